-- Results of the other analyses, as their commands would write them (migration 5 tables):
-- used by tests/cases/report.sh and browser.sh to check the dashboard draws them.
INSERT INTO rule_runs VALUES (1, 0, 'baskets', 1000, 0.01, 0.2);
INSERT INTO assoc_rules VALUES (1, 1, 'tent', 'sleeping bag', 0.05, 0.61, 4.25, 0.03, 2.1, 0.0001, 0.001),
  (1, 2, '<b>kettle</b>', 'mug', 0.04, 0.52, 3.5, 0.02, 1.8, 0.001, 0.01);
INSERT INTO clv_runs (id, horizon_days, customers) VALUES (1, 365, 3);
INSERT INTO clv_customer VALUES (1, (SELECT min(id) FROM customers), 4, 100, 200, 55.5, 2.5, 0.93, 140.0, 1234.5),
  (1, (SELECT min(id) FROM customers) + 1, 1, 10, 200, 20, 0.4, 0.31, 8.0, 77.25), (1, (SELECT min(id) FROM customers) + 2, 2, 50, 200, 30, 1.1, 0.7, 33.0, 310.0);
INSERT INTO model_runs (id, kind, model, customers, positives, auc) VALUES (1, 'churn', 'gbt', 4, 2, 0.81);
INSERT INTO model_scores VALUES (1, (SELECT min(id) FROM customers), 0.91, 1, 'no purchase in 90 days;fell in visits;complaint'),
  (1, (SELECT min(id) FROM customers) + 1, 0.75, 1, 'no purchase in 90 days;low spend'), (1, (SELECT min(id) FROM customers) + 2, 0.2, 5, 'low spend'), (1, (SELECT min(id) FROM customers) + 3, 0.1, 9, NULL);
INSERT INTO model_deciles VALUES (1, 1, 10, 7, 0.7, 2.8, 0.35), (1, 2, 10, 4, 0.4, 1.6, 0.2);
INSERT INTO model_importance VALUES (1, 'recency_days', 0.42), (1, 'visits_trend', 0.21);
INSERT INTO journey_runs VALUES (1, 'funnel', 0, 'view,add_to_cart,purchase'), (2, 'cohorts', 0, 'monthly');
INSERT INTO funnel_steps VALUES (1, 'all', 1, 'view', 1000, 1.0, 0.0, NULL), (1, 'all', 2, 'add_to_cart', 420, 0.42, 0.58, 3600),
  (1, 'all', 3, 'purchase', 137, 0.137, 0.674, 7200), (1, 'channel=web', 1, 'view', 600, 1.0, 0, NULL), (1, 'channel=web', 2, 'add_to_cart', 300, 0.5, 0.5, 100);
INSERT INTO cohort_retention VALUES (2, '2025-01-01', 0, 200, 1.0), (2, '2025-01-01', 1, 200, 0.46), (2, '2025-01-01', 2, 200, 0.31),
  (2, '2025-02-01', 0, 150, 1.0), (2, '2025-02-01', 1, 150, 0.52);
INSERT INTO text_runs VALUES (1, 'themes', 'lexicon', 0, 500);
INSERT INTO text_themes VALUES (1, 'pain', 'late delivery', 41, 3.2, -0.61, 7.75), (1, 'pain', 'refund', 17, 1.1, -0.4, 2.5),
  (1, 'all', 'quality', 80, 2.0, 0.3, 0.0);
INSERT INTO text_nps VALUES (1, 200, 90, 60, 50, 20.0);
INSERT INTO forecast_runs VALUES (1, 0, 'month', NULL, 'ets', 12, 2, 1);
INSERT INTO forecast_points VALUES (1, 'revenue', '2025-01-01', 100, 98, NULL, NULL, NULL), (1, 'revenue', '2025-02-01', 120, 118, NULL, NULL, NULL),
  (1, 'revenue', '2025-03-01', NULL, NULL, 131.5, 110.25, 152.75), (1, 'revenue', '2025-04-01', NULL, NULL, 140, 112, 168);
-- segment runs now save their own profiles: this replaces the Champions card of the latest run with a hostile one.
INSERT OR REPLACE INTO segment_profiles VALUES ((SELECT max(id) FROM segment_runs), 'Champions', 'Loyal <b>big</b> spenders', 300, 0.2, 0.55,
  'web,store', 'tents', 'North,South', 'orders +1.8 sd; returns -0.9 sd');
