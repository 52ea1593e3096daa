/*
 * catalogue.c — the retailer's products: 12 categories of 25 products each,
 * names built from a noun and a variant, prices around each noun's typical
 * price with retail endings (.99, .50, whole pounds above £100), and a
 * popularity order within each category (index 0 is the best seller). It also
 * names the planted basket rules (if a basket holds the left side, the right
 * side is added with probability p) and the high-value items of fraud bursts.
 * Prices depend on the seed; names, SKUs and rules do not.
 */
#include "synth/synth_int.h"

const sy_category sy_categories[SY_NCAT] = {
    {"WOM", "womenswear"},  {"MEN", "menswear"}, {"KID", "kidswear"}, {"FTW", "footwear"},
    {"ACC", "accessories"}, {"BEA", "beauty"},   {"HOM", "home"},     {"KIT", "kitchen"},
    {"ELE", "electronics"}, {"SPO", "sports"},   {"TOY", "toys"},     {"FOO", "food"},
};

typedef struct noun {
  const char *name;
  int pence;
} noun;

#define NOUNS 10
#define MODS 8
static const struct {
  noun nouns[NOUNS];
  const char *mods[MODS];
  double mod_factor[MODS];
} kinds[SY_NCAT] = {
    {{{"Wrap Dress", 3500},
      {"Blouse", 2800},
      {"Jumper", 3200},
      {"Skinny Jeans", 3000},
      {"Midi Skirt", 2600},
      {"Wool Coat", 9500},
      {"Cardigan", 2900},
      {"T-Shirt", 1200},
      {"Trench Coat", 8500},
      {"Leggings", 1500}},
     {"Linen", "Organic Cotton", "Striped", "Floral", "Relaxed Fit", "Recycled", "Cashmere Blend", "Petite"},
     {1.1, 1.05, 1.0, 1.0, 0.95, 1.0, 1.8, 1.0}},
    {{{"Oxford Shirt", 3000},
      {"Chinos", 3200},
      {"Crew Jumper", 3500},
      {"Slim Jeans", 3500},
      {"Puffer Jacket", 7500},
      {"Polo Shirt", 2200},
      {"Overcoat", 12000},
      {"T-Shirt", 1200},
      {"Hoodie", 3500},
      {"Suit Jacket", 11000}},
     {"Linen", "Organic Cotton", "Merino", "Stretch", "Relaxed Fit", "Recycled", "Tailored", "Heritage"},
     {1.1, 1.05, 1.5, 1.0, 0.95, 1.0, 1.2, 1.1}},
    {{{"Pyjamas", 1200},
      {"Kids Hoodie", 1600},
      {"Kids Leggings", 800},
      {"School Shirts 2-Pack", 900},
      {"Raincoat", 2200},
      {"Dungarees", 1800},
      {"Sleepsuits 3-Pack", 1500},
      {"Joggers", 1100},
      {"Kids Trainers", 2000},
      {"Party Dress", 2400}},
     {"Dinosaur", "Rainbow", "Organic Cotton", "Glow-in-the-Dark", "Striped", "Recycled", "Unicorn", "Space"},
     {1.0, 1.0, 1.1, 1.15, 1.0, 1.0, 1.0, 1.0}},
    {{{"Running Shoes", 6500},
      {"Trainers", 5500},
      {"Chelsea Boots", 8500},
      {"Sandals", 3000},
      {"Loafers", 6000},
      {"Slippers", 1800},
      {"Walking Boots", 9500},
      {"Ballet Flats", 3200},
      {"Canvas Pumps", 2500},
      {"Ankle Boots", 7000}},
     {"Suede", "Leather", "Vegan", "Waterproof", "Wide Fit", "Recycled", "Lightweight", "Classic"},
     {1.1, 1.25, 1.0, 1.15, 1.0, 1.0, 1.05, 1.0}},
    {{{"Scarf", 1800},
      {"Leather Handbag", 7500},
      {"Belt", 2000},
      {"Wallet", 2500},
      {"Sunglasses", 3000},
      {"Umbrella", 1500},
      {"Beanie", 1200},
      {"Tote Bag", 1800},
      {"Gloves", 1600},
      {"Watch Strap", 2200}},
     {"Wool", "Leather", "Recycled", "Checked", "Compact", "Classic", "Cashmere", "Canvas"},
     {1.1, 1.3, 1.0, 1.0, 0.9, 1.0, 2.0, 0.9}},
    {{{"Moisturiser", 1500},
      {"Lipstick", 1200},
      {"Shampoo", 600},
      {"Eau de Parfum 50ml", 5500},
      {"Face Serum", 2800},
      {"Hand Cream", 700},
      {"Body Wash", 500},
      {"Mascara", 1100},
      {"Conditioner", 600},
      {"Sun Cream SPF50", 1300}},
     {"Vitamin C", "Fragrance-Free", "Rose", "Travel Size", "Vegan", "Sensitive", "Night", "Refillable"},
     {1.2, 1.0, 1.05, 0.5, 1.0, 1.0, 1.1, 1.15}},
    {{{"Cushion", 1500},
      {"Throw", 3500},
      {"Scented Candle", 1800},
      {"Duvet Cover Set", 4500},
      {"Towel Bale", 3000},
      {"Vase", 2200},
      {"Table Lamp", 4500},
      {"Photo Frame", 1200},
      {"Rug", 6500},
      {"Mirror", 5500}},
     {"Velvet", "Linen", "Boucle", "Ceramic", "Rattan", "Recycled", "Jute", "Marble"},
     {1.1, 1.1, 1.15, 1.0, 1.0, 1.0, 0.95, 1.3}},
    {{{"Cafetière 8-Cup", 2500},
      {"Frying Pan", 3000},
      {"Knife Set", 6000},
      {"Mug Set", 1800},
      {"Espresso Machine", 22000},
      {"Toaster", 4000},
      {"Kettle", 3500},
      {"Storage Jars", 1500},
      {"Casserole Dish", 5500},
      {"Chopping Board", 1600}},
     {"Stainless Steel", "Non-Stick", "Cast Iron", "Stoneware", "Bamboo", "Glass", "Copper", "Compact"},
     {1.1, 1.0, 1.4, 1.0, 0.9, 1.0, 1.3, 0.85}},
    {{{"Smartphone Case", 1500},
      {"Screen Protector", 900},
      {"Wireless Earbuds", 7900},
      {"Charger", 1800},
      {"Bluetooth Speaker", 4500},
      {"Smartwatch", 19900},
      {"Tablet", 32900},
      {"USB-C Cable", 900},
      {"Power Bank", 2900},
      {"Headphones", 12900}},
     {"Slim", "Rugged", "Pro", "Mini", "Fast", "Recycled", "Noise-Cancelling", "Max"},
     {1.0, 1.1, 1.4, 0.8, 1.1, 1.0, 1.5, 1.6}},
    {{{"Sports Socks 3-Pack", 900},
      {"Water Bottle 750ml", 1200},
      {"Yoga Mat", 2200},
      {"Running Jacket", 4500},
      {"Dumbbell Set", 5500},
      {"Backpack", 3500},
      {"Cycling Gloves", 1800},
      {"Resistance Bands", 1200},
      {"Gym Leggings", 2800},
      {"Tennis Racket", 6500}},
     {"Insulated", "Lightweight", "Recycled", "Reflective", "Pro", "Compact", "Thermal", "Trail"},
     {1.2, 1.0, 1.0, 1.05, 1.3, 0.9, 1.1, 1.1}},
    {{{"Jigsaw Puzzle", 1200},
      {"Board Game", 2500},
      {"Building Set", 3500},
      {"Plush Toy", 1400},
      {"Art Set", 1600},
      {"Remote Control Car", 3000},
      {"Card Game", 800},
      {"Wooden Train Set", 4000},
      {"Science Kit", 2200},
      {"Doll's House", 6000}},
     {"1000-Piece", "Family", "Deluxe", "Mini", "Classic", "Eco", "Travel", "Junior"},
     {1.1, 1.0, 1.5, 0.6, 1.0, 1.0, 0.7, 0.9}},
    {{{"Ground Coffee 227g", 500},
      {"Tea Selection", 600},
      {"Chocolate Box", 800},
      {"Olive Oil 500ml", 900},
      {"Shortbread Biscuits", 400},
      {"Granola", 450},
      {"Hot Chocolate", 500},
      {"Honey", 600},
      {"Coffee Beans 1kg", 1600},
      {"Fruit Cake", 900}},
     {"Organic", "Fairtrade", "Decaf", "Luxury", "Salted Caramel", "Gluten-Free", "Dark", "Festive"},
     {1.2, 1.1, 1.0, 1.6, 1.1, 1.15, 1.05, 1.3}},
};

#define PER_CAT 25

/* Retail price endings. */
static int32_t retail_price(double pence) {
  if (pence < 100) return 99;
  if (pence >= 10000) {
    int64_t pounds = (int64_t)(pence / 100.0 + 0.5);
    if (pounds >= 200) pounds = (pounds + 2) / 5 * 5; /* £215, £330 */
    return (int32_t)(pounds * 100);
  }
  if (pence < 500) {
    int64_t half = (int64_t)(pence / 50.0 + 0.5);
    return (int32_t)(half * 50 - 1); /* £3.49, £3.99 */
  }
  int64_t pounds = (int64_t)(pence / 100.0 + 0.5);
  return (int32_t)(pounds * 100 - 1);
}

static int find(const sy_catalogue *cat, const char *name) {
  for (int i = 0; i < cat->n; i++)
    if (!strcmp(cat->p[i].name, name)) return i;
  return -1;
}

int sy_catalogue_build(sy_catalogue *cat, uint64_t seed) {
  memset(cat, 0, sizeof *cat);
  cat->p = tm_calloc(SY_NCAT * PER_CAT, sizeof *cat->p);
  if (!cat->p) return TM_ENOMEM;
  tm_rng r;
  tm_rng_seed(&r, seed, 0x636174616c6f67ULL); /* "catalog" */
  int n = 0;
  for (int c = 0; c < SY_NCAT; c++) {
    cat->first[c] = n;
    for (int j = 0; j < PER_CAT; j++) {
      int ni = j % NOUNS, v = j / NOUNS;
      sy_product *p = &cat->p[n++];
      p->cat = c;
      sy_buf sku = SY_FIXED(p->sku), name = SY_FIXED(p->name);
      sy_puts(&sku, sy_categories[c].code);
      sy_putc(&sku, '-');
      sy_u64(&sku, (uint64_t)(1001 + j));
      p->sku[sku.len] = '\0';
      double factor = 1.0;
      if (v > 0) {
        int m = (ni + 3 * (v - 1)) % MODS;
        sy_puts(&name, kinds[c].mods[m]);
        sy_putc(&name, ' ');
        factor = kinds[c].mod_factor[m];
      }
      sy_puts(&name, kinds[c].nouns[ni].name);
      p->name[name.len] = '\0';
      double noise = v == 0 ? 1.0 : 0.9 + 0.25 * tm_rng_uniform(&r);
      p->price = retail_price(kinds[c].nouns[ni].pence * factor * noise);
    }
  }
  cat->first[SY_NCAT] = n;
  cat->n = n;
  for (int i = 1; i < n; i++)
    if (cat->p[i].price < cat->p[cat->cheapest].price) cat->cheapest = i;

  static const struct {
    const char *name, *lhs0, *lhs1, *rhs;
    double p;
  } rules[SY_NRULES] = {
      {"cafetiere_coffee", "Cafetière 8-Cup", NULL, "Ground Coffee 227g", 0.60},
      {"running_shoes_socks", "Running Shoes", NULL, "Sports Socks 3-Pack", 0.50},
      {"shoes_socks_bottle", "Running Shoes", "Sports Socks 3-Pack", "Water Bottle 750ml", 0.70},
      {"phone_case_protector", "Smartphone Case", NULL, "Screen Protector", 0.55},
  };
  for (int i = 0; i < SY_NRULES; i++) {
    sy_rule *ru = &cat->rules[i];
    ru->name = rules[i].name;
    ru->lhs[0] = find(cat, rules[i].lhs0);
    ru->nlhs = 1;
    if (rules[i].lhs1) ru->lhs[ru->nlhs++] = find(cat, rules[i].lhs1);
    ru->rhs = find(cat, rules[i].rhs);
    ru->p = rules[i].p;
  }
  cat->fraud[0] = find(cat, "Smartwatch");
  cat->fraud[1] = find(cat, "Tablet");
  cat->fraud[2] = find(cat, "Headphones");
  cat->fraud[3] = find(cat, "Espresso Machine");
  return 0;
}

void sy_catalogue_free(sy_catalogue *cat) {
  tm_free(cat->p);
  cat->p = NULL;
}

int sy_catalogue_pick(const sy_catalogue *cat, tm_rng *r, int c, int32_t max_pence) {
  int lo = cat->first[c], n = cat->first[c + 1] - lo;
  for (int t = 0; t < 6; t++) {
    /* popularity: index ~ n * U^2 puts about 20% of picks on the best seller */
    double u = tm_rng_uniform(r);
    int j = (int)(n * u * u);
    if (cat->p[lo + j].price <= max_pence) return lo + j;
  }
  int fits = 0;
  for (int j = 0; j < n; j++)
    fits += cat->p[lo + j].price <= max_pence;
  if (!fits) return -1;
  int k = (int)tm_rng_below(r, (uint64_t)fits);
  for (int j = 0; j < n; j++)
    if (cat->p[lo + j].price <= max_pence && k-- == 0) return lo + j;
  return -1;
}
