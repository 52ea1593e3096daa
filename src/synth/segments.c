/*
 * segments.c — the five latent buyer segments and every behavioural parameter
 * that sets them apart: purchase process (BG/NBD and Gamma-Gamma, CDNOW-like
 * values varied by segment), channel mix, browsing, email engagement,
 * returns, contacts, loyalty-card holding, discounts, demographics and
 * feedback mood. They are meant to be distinct enough for k-means on
 * behavioural features to recover them, without being caricatures. The
 * values are copied into truth.json, so a fit can be checked against them.
 *
 * Category order: womenswear, menswear, kidswear, footwear, accessories,
 * beauty, home, kitchen, electronics, sports, toys, food.
 */
#include "synth/synth_int.h"

const char *const sy_channel_names[SY_NCH] = {"store", "web", "app"};
const char *const sy_lifestyles[SY_NLIFE] = {"value_seeker", "trend_setter", "practical", "eco_conscious"};

/* clang-format off */
const sy_segment sy_segments[SY_NSEG] = {
    {
        .name = "store_regular",
        .about = "frequent, modest baskets in a nearby store; loyalty card; rarely online",
        .share = 0.26,
        .r = 2.0, .alpha = 12.0, .a = 0.50, .b = 6.0,
        .gg_p = 6.25, .gg_q = 6.0, .gg_gamma = 20.0,
        .channel = {0.95, 0.04, 0.01},
        .web_rate = 0.05, .app_rate = 0.01,
        .consent = 0.75, .open = 0.15, .click = 0.12, .unsub = 0.002,
        .returns = 0.02, .contacts = 0.3, .loyalty = 0.95, .discount = 0.03,
        .ad_rate = 0.05, .login = 0.5,
        .age_mean = 58, .age_sd = 11,
        .lifestyle = {0.25, 0.05, 0.55, 0.15},
        .device = {0.55, 0.30, 0.15},
        .cat = {0.14, 0.10, 0.05, 0.05, 0.04, 0.10, 0.14, 0.10, 0.02, 0.02, 0.02, 0.22},
        .sentiment = {0.62, 0.25, 0.13},
    },
    {
        .name = "bargain_hunter",
        .about = "web shoppers who open every email and wait for a discount code",
        .share = 0.22,
        .r = 1.0, .alpha = 8.0, .a = 0.80, .b = 4.0,
        .gg_p = 6.25, .gg_q = 6.0, .gg_gamma = 15.5,
        .channel = {0.04, 0.92, 0.04},
        .web_rate = 0.36, .app_rate = 0.02,
        .consent = 0.99, .open = 0.60, .click = 0.40, .unsub = 0.004,
        .returns = 0.10, .contacts = 0.5, .loyalty = 0.45, .discount = 0.80,
        .ad_rate = 0.35, .login = 0.6,
        .age_mean = 38, .age_sd = 10,
        .lifestyle = {0.70, 0.05, 0.20, 0.05},
        .device = {0.45, 0.45, 0.10},
        .cat = {0.12, 0.08, 0.18, 0.04, 0.06, 0.12, 0.14, 0.03, 0.02, 0.01, 0.10, 0.10},
        .sentiment = {0.50, 0.30, 0.20},
    },
    {
        .name = "app_trendsetter",
        .about = "young, app-first, frequent fashion buys, many returns",
        .share = 0.18,
        .r = 1.5, .alpha = 8.0, .a = 0.70, .b = 4.0,
        .gg_p = 6.25, .gg_q = 6.0, .gg_gamma = 31.0,
        .channel = {0.03, 0.07, 0.90},
        .web_rate = 0.04, .app_rate = 0.52,
        .consent = 0.80, .open = 0.25, .click = 0.25, .unsub = 0.003,
        .returns = 0.30, .contacts = 0.4, .loyalty = 0.50, .discount = 0.15,
        .ad_rate = 0.30, .login = 0.9,
        .age_mean = 27, .age_sd = 5,
        .lifestyle = {0.10, 0.70, 0.05, 0.15},
        .device = {0.20, 0.75, 0.05},
        .cat = {0.24, 0.16, 0.01, 0.16, 0.14, 0.14, 0.02, 0.01, 0.08, 0.05, 0.00, 0.00},
        .sentiment = {0.55, 0.25, 0.20},
    },
    {
        .name = "premium_omnichannel",
        .about = "big baskets in store and online, electronics and home, asks questions",
        .share = 0.12,
        .r = 0.8, .alpha = 8.0, .a = 0.50, .b = 5.0,
        .gg_p = 6.25, .gg_q = 6.0, .gg_gamma = 120.0,
        .channel = {0.50, 0.45, 0.05},
        .web_rate = 0.22, .app_rate = 0.06,
        .consent = 0.80, .open = 0.30, .click = 0.25, .unsub = 0.002,
        .returns = 0.05, .contacts = 1.0, .loyalty = 0.80, .discount = 0.02,
        .ad_rate = 0.15, .login = 0.8,
        .age_mean = 46, .age_sd = 9,
        .lifestyle = {0.05, 0.30, 0.20, 0.45},
        .device = {0.60, 0.30, 0.10},
        .cat = {0.12, 0.12, 0.02, 0.10, 0.06, 0.05, 0.16, 0.16, 0.18, 0.05, 0.01, 0.02},
        .sentiment = {0.65, 0.20, 0.15},
    },
    {
        .name = "occasional_lapsing",
        .about = "CDNOW-like purchasing: rare, early dropout; ignores email, complains",
        .share = 0.22,
        .r = 0.24, .alpha = 4.4, .a = 0.79, .b = 2.4,
        .gg_p = 6.25, .gg_q = 6.0, .gg_gamma = 28.0,
        .channel = {0.05, 0.90, 0.05},
        .web_rate = 0.03, .app_rate = 0.0,
        .consent = 0.60, .open = 0.02, .click = 0.10, .unsub = 0.012,
        .returns = 0.15, .contacts = 5.0, .loyalty = 0.55, .discount = 0.05,
        .ad_rate = 0.10, .login = 0.3,
        .age_mean = 45, .age_sd = 15,
        .lifestyle = {0.35, 0.15, 0.35, 0.15},
        .device = {0.50, 0.40, 0.10},
        .cat = {0.09, 0.09, 0.08, 0.08, 0.08, 0.08, 0.09, 0.08, 0.08, 0.08, 0.08, 0.09},
        .sentiment = {0.30, 0.25, 0.45},
    },
};
/* clang-format on */
