/*
 * geo.c — where people live and shop: the regions of a UK-first retailer with
 * a few EU markets (each with its share of people, cities and time zone), the
 * order in which stores open as the population grows, and EU summer time.
 */
#include "synth/synth_int.h"

const sy_region sy_regions[] = {
    {"London", "GB", SY_ZONE_UK, 0.16, {"London"}, 1},
    {"South East", "GB", SY_ZONE_UK, 0.11, {"Brighton", "Reading", "Oxford"}, 3},
    {"South West", "GB", SY_ZONE_UK, 0.07, {"Bristol", "Exeter", "Plymouth"}, 3},
    {"East of England", "GB", SY_ZONE_UK, 0.07, {"Cambridge", "Norwich", "Ipswich"}, 3},
    {"West Midlands", "GB", SY_ZONE_UK, 0.07, {"Birmingham", "Coventry", "Wolverhampton"}, 3},
    {"East Midlands", "GB", SY_ZONE_UK, 0.05, {"Nottingham", "Leicester", "Derby"}, 3},
    {"Yorkshire and the Humber", "GB", SY_ZONE_UK, 0.06, {"Leeds", "Sheffield", "York"}, 3},
    {"North West", "GB", SY_ZONE_UK, 0.08, {"Manchester", "Liverpool", "Preston"}, 3},
    {"North East", "GB", SY_ZONE_UK, 0.03, {"Newcastle upon Tyne", "Sunderland", "Durham"}, 3},
    {"Scotland", "GB", SY_ZONE_UK, 0.06, {"Glasgow", "Edinburgh", "Aberdeen"}, 3},
    {"Wales", "GB", SY_ZONE_UK, 0.03, {"Cardiff", "Swansea", "Newport"}, 3},
    {"Northern Ireland", "GB", SY_ZONE_UK, 0.01, {"Belfast", "Lisburn"}, 2},
    {"Leinster", "IE", SY_ZONE_UK, 0.045, {"Dublin", "Kildare"}, 2},
    {"Munster", "IE", SY_ZONE_UK, 0.015, {"Cork", "Limerick"}, 2},
    {"Île-de-France", "FR", SY_ZONE_CET, 0.025, {"Paris"}, 1},
    {"Auvergne-Rhône-Alpes", "FR", SY_ZONE_CET, 0.015, {"Lyon", "Grenoble"}, 2},
    {"Berlin", "DE", SY_ZONE_CET, 0.02, {"Berlin"}, 1},
    {"Bayern", "DE", SY_ZONE_CET, 0.02, {"München", "Nürnberg"}, 2},
    {"Noord-Holland", "NL", SY_ZONE_CET, 0.03, {"Amsterdam", "Haarlem"}, 2},
    {"Comunidad de Madrid", "ES", SY_ZONE_CET, 0.015, {"Madrid"}, 1},
    {"Cataluña", "ES", SY_ZONE_CET, 0.015, {"Barcelona", "Girona"}, 2},
};
const int sy_nregions = (int)TM_ARRAY_LEN(sy_regions);

/* London, North West, West Midlands, Scotland, Yorkshire, South East, Leinster,
 * South West, East Midlands, North East, Wales, East of England, Noord-Holland,
 * Île-de-France, Berlin, Northern Ireland. */
const int sy_store_order[SY_MAX_STORES] = {0, 7, 4, 9, 6, 1, 12, 2, 5, 8, 10, 3, 18, 14, 16, 11};

int sy_store_count(uint64_t people) {
  /* Few stores for small populations, so that each store's default till card
   * is shared by well over the ingest's quarantine limit of people (the
   * smallest store still sees a few hundred people when it opens). */
  uint64_t s = people / 8000;
  if (s < 3) s = 3;
  if (s > SY_MAX_STORES) s = SY_MAX_STORES;
  return (int)s;
}

/* Start of EU summer time (last Sunday of March, 01:00 UTC) or its end (last
 * Sunday of October), in ms. */
static int64_t last_sunday_1am(int y, int month) {
  int64_t d = sy_days_from_civil(y, month, 31);
  int64_t dow = ((d % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
  d -= (dow + 1) % 7;                  /* back to Sunday (dow 6) */
  return d * SY_DAY_MS + SY_HOUR_MS;
}

int sy_zone_offset(int zone, int64_t ms) {
  int64_t days = ms >= 0 ? ms / SY_DAY_MS : -((-ms + SY_DAY_MS - 1) / SY_DAY_MS);
  int y, m, d;
  sy_civil_from_days(days, &y, &m, &d);
  int base = zone == SY_ZONE_CET ? 60 : 0;
  if (m < 3 || m > 10) return base;
  if (m > 3 && m < 10) return base + 60;
  bool summer = m == 3 ? ms >= last_sunday_1am(y, 3) : ms < last_sunday_1am(y, 10);
  return base + (summer ? 60 : 0);
}
