/*
 * config.c — touchmine.ini, the ingest configuration for the generated files
 * (docs/config.md): the identity rules, then one [source] per export with its
 * format, kind, time form, field mappings, identifiers, attributes and value
 * maps.
 */
#include <errno.h>
#include <stdio.h>

#include "synth/synth_int.h"

static const char *const ini_head =
    "; touchmine.ini — ingest configuration for the files written by `touchmine synth`\n"
    "; (see docs/config.md). Paths are relative to this file.\n"
    "\n"
    "[touchmine]\n"
    "currency = GBP\n"
    "\n"
    "[identity]\n"
    "priority = customer_id,email,phone,loyalty,social,cookie\n"
    "block = null,none,-1,0,anonymous,unknown,undefined,n/a,test@test.com\n"
    "limit.customer_id = 1\n"
    "; store default loyalty cards and office switchboards are seen with hundreds of people\n"
    "quarantine = 50\n"
    "\n"
    "[source crm]\n"
    "file = crm_customers.csv\n"
    "format = csv\n"
    "kind = profile\n"
    "delimiter = ,\n"
    "default.channel = crm\n"
    "time = signup_date\n"
    "time.format = %Y-%m-%d\n"
    "time.zone = UTC\n"
    "id.customer_id = customer_id\n"
    "id.email = email\n"
    "id.phone = phone\n"
    "id.loyalty = loyalty_card\n"
    "id.social = social_handle\n"
    "attr.gender = gender\n"
    "attr.birth_year = birth_year\n"
    "attr.age_band = age_band\n"
    "attr.region = region\n"
    "attr.city = city\n"
    "attr.country = country\n"
    "attr.account_type = account_type\n"
    "attr.company = company\n"
    "attr.industry = industry\n"
    "attr.company_size = company_size\n"
    "attr.lifestyle = lifestyle\n"
    "consent.analytics = consent_analytics\n"
    "consent.marketing = consent_marketing\n"
    "\n"
    "[source orders]\n"
    "file = orders.csv\n"
    "format = csv\n"
    "kind = order_lines\n"
    "delimiter = ,\n"
    "default.type = purchase\n"
    "event_id = line_id\n"
    "time = ts\n"
    "time.format = %Y-%m-%d %H:%M:%S\n"
    "time.zone = UTC\n"
    "channel = channel\n"
    "region = store_region\n"
    "order_id = order_id\n"
    "product = sku\n"
    "product_name = product_name\n"
    "category = category\n"
    "quantity = quantity\n"
    "unit_price = unit_price\n"
    "quantity.min = -1000\n"
    "quantity.max = 1000\n"
    "return.prefix = R\n"
    "fx = 1.0\n"
    "id.loyalty = loyalty_card\n"
    "id.customer_id = customer_id\n"
    "id.email = email\n"
    "; a discount code is the nearest thing to a campaign\n"
    "campaign = discount_code\n"
    "attr.payment = payment\n"
    "\n"
    "[source web]\n"
    "file = ";

static const char *const ini_tail =
    "\n"
    "format = segment\n"
    "segment.user_id = customer_id\n"
    "time.format = iso\n"
    "map.type = product_viewed:view,product_added:add_to_cart,checkout_started:checkout,"
    "order_completed:order_completed,page_view:page_view,screen_view:screen_view\n"
    "\n"
    "[source email]\n"
    "file = email_events.csv\n"
    "format = csv\n"
    "delimiter = ,\n"
    "default.channel = email\n"
    "event_id = event_id\n"
    "time = ts\n"
    "time.format = epoch\n"
    "type = event\n"
    "campaign = campaign_id\n"
    "id.email = email\n"
    "map.type = sent:send,opened:open,clicked:click,unsubscribed:unsubscribe\n"
    "\n"
    "[source ads]\n"
    "file = ad_events.csv\n"
    "format = csv\n"
    "delimiter = ,\n"
    "default.channel = ad\n"
    "event_id = event_id\n"
    "time = ts\n"
    "time.format = epoch_ms\n"
    "type = event\n"
    "campaign = campaign_id\n"
    "id.cookie = ad_id\n"
    "map.type = impression:impression,click:click\n"
    "\n"
    "[source contacts]\n"
    "file = contacts.csv\n"
    "format = csv\n"
    "delimiter = ,\n"
    "default.type = support\n"
    "event_id = contact_id\n"
    "channel = channel\n"
    "time = ts\n"
    "time.format = %d/%m/%Y %H:%M\n"
    "time.zone = UTC\n"
    "text = text\n"
    "id.phone = phone\n"
    "id.email = email\n"
    "attr.reason = reason\n"
    "attr.duration_s = duration_s\n"
    "attr.resolved = resolved\n"
    "\n"
    "[source feedback]\n"
    "file = feedback.csv\n"
    "format = csv\n"
    "delimiter = semicolon\n"
    "default.channel = survey\n"
    "event_id = feedback_id\n"
    "type = kind\n"
    "time = ts\n"
    "time.format = iso\n"
    "text = text\n"
    "product = sku\n"
    "id.customer_id = customer_id\n"
    "id.email = email\n"
    "map.type = survey:survey,review:review\n"
    "; surveys carry nps (0-10) and reviews stars (1-5): the first non-empty column wins,\n"
    "; and its scale goes with it\n"
    "rating = nps|stars\n"
    "rating.scale = nps|stars\n"
    "\n"
    "[source social]\n"
    "file = social_mentions.csv\n"
    "format = csv\n"
    "delimiter = ,\n"
    "default.channel = social\n"
    "default.type = mention\n"
    "event_id = mention_id\n"
    "time = ts\n"
    "time.format = iso\n"
    "text = text\n"
    "id.social = handle\n"
    "attr.platform = platform\n";

int sy_config_write(const sy_world *w, const char *dir, tm_error *err) {
  char *path = sy_path(dir, "touchmine.ini");
  if (!path) return tm_error_nomem(err);
  FILE *f = fopen(path, "wb");
  int rc = 0;
  if (!f) {
    rc = tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
  } else {
    /* fputs, not printf: the time formats hold '%' */
    if (fputs(ini_head, f) < 0 || fputs(sy_file_name(SY_F_WEB, w->opt->gzip), f) < 0 ||
        fputs(ini_tail, f) < 0)
      rc = -1;
    if (fclose(f) != 0) rc = -1;
    if (rc) {
      rc = tm_error_set(err, TM_EIO, "%s: %s", path, strerror(errno));
      remove(path);
    }
  }
  tm_free(path);
  return rc;
}
