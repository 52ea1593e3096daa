/*
 * files.c — the exports the generator writes: name, header, delimiter, how
 * each writes its time, and which fields play which part (id, time, text,
 * identifiers) so that dirty.c can spoil a row in a named way and truth.c can
 * describe the file.
 */
#include "synth/synth_int.h"

/* clang-format off */
const sy_filespec sy_files[SY_NFILES] = {
    [SY_F_CRM] = {.name = "crm_customers.csv",
                  .header = "customer_id,email,phone,loyalty_card,social_handle,gender,birth_year,"
                            "age_band,region,city,country,signup_date,consent_analytics,"
                            "consent_marketing,account_type,company,industry,company_size,lifestyle",
                  .delim = ',', .nfields = 19, .f_id = 0, .f_order = -1, .f_ts = 11, .f_text = -1,
                  .f_qty = -1, .f_near = -1, .ids = {0, 1, 2}, .nids = 3, .tfmt = SY_T_DATE,
                  .events = false, .dirty = false},
    [SY_F_ORDERS] = {.name = "orders.csv",
                     .header = "line_id,order_id,ts,channel,store_region,loyalty_card,customer_id,"
                               "email,sku,product_name,category,quantity,unit_price,payment,"
                               "discount_code",
                     .delim = ',', .nfields = 15, .f_id = 0, .f_order = 1, .f_ts = 2, .f_text = 9,
                     .f_qty = 11, .f_near = 11, .ids = {5, 6, 7}, .nids = 3, .tfmt = SY_T_SQL,
                     .events = false, .dirty = true},
    [SY_F_WEB] = {.name = "web_events.jsonl", .header = NULL, .delim = 0, .nfields = 0, .f_id = -1,
                  .f_order = -1, .f_ts = -1, .f_text = -1, .f_qty = -1, .f_near = -1, .nids = 0,
                  .tfmt = SY_T_ISO_OFF, .events = true, .dirty = true},
    [SY_F_EMAIL] = {.name = "email_events.csv", .header = "event_id,email,campaign_id,event,ts",
                    .delim = ',', .nfields = 5, .f_id = 0, .f_order = -1, .f_ts = 4, .f_text = 2,
                    .f_qty = -1, .f_near = -1, .ids = {1}, .nids = 1, .tfmt = SY_T_EPOCH_S,
                    .events = true, .dirty = true},
    [SY_F_AD] = {.name = "ad_events.csv", .header = "event_id,ad_id,campaign_id,event,ts",
                 .delim = ',', .nfields = 5, .f_id = 0, .f_order = -1, .f_ts = 4, .f_text = 2,
                 .f_qty = -1, .f_near = -1, .ids = {1}, .nids = 1, .tfmt = SY_T_EPOCH_MS,
                 .events = true, .dirty = true},
    [SY_F_CONTACTS] = {.name = "contacts.csv",
                       .header = "contact_id,channel,phone,email,ts,reason,duration_s,resolved,text",
                       .delim = ',', .nfields = 9, .f_id = 0, .f_order = -1, .f_ts = 4, .f_text = 8,
                       .f_qty = -1, .f_near = 6, .ids = {2, 3}, .nids = 2, .tfmt = SY_T_DMY_HM,
                       .events = true, .dirty = true},
    [SY_F_FEEDBACK] = {.name = "feedback.csv",
                       .header = "feedback_id;kind;customer_id;email;ts;nps;stars;sku;text",
                       .delim = ';', .nfields = 9, .f_id = 0, .f_order = -1, .f_ts = 4, .f_text = 8,
                       .f_qty = -1, .f_near = -1, .ids = {2, 3}, .nids = 2, .tfmt = SY_T_ISO_Z,
                       .events = true, .dirty = true},
    [SY_F_SOCIAL] = {.name = "social_mentions.csv", .header = "mention_id,platform,handle,ts,text",
                     .delim = ',', .nfields = 5, .f_id = 0, .f_order = -1, .f_ts = 3, .f_text = 4,
                     .f_qty = -1, .f_near = -1, .ids = {2}, .nids = 1, .tfmt = SY_T_ISO_Z,
                     .events = true, .dirty = true},
};
/* clang-format on */

const char *sy_file_name(int f, bool gzip) {
  if (f == SY_F_WEB && gzip) return "web_events.jsonl.gz";
  return sy_files[f].name;
}
