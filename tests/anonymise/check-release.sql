-- check-release.sql — an independent check of an anonymised release, written apart
-- from the plugin: run with `sqlite3 :memory: -cmd ".cd RELEASE" -cmd ".param set :k K" -cmd ".param set :top T"
-- < check-release.sql` (or through tests/test_anonymise.c). It reads persons.csv and
-- households.csv as text (a blank value is its own category: the strict reading),
-- recounts household size from the released household id, and prints one line per
-- check: NAME|VALUE. Every value must be 0 except the counts at the end (and
-- unique_households in a licensed release, which keeps them and reports them).
.mode csv
.import persons.csv persons
.import households.csv households
.mode list
CREATE TEMP TABLE recount AS SELECT hh_id, COUNT(*) AS n FROM persons GROUP BY hh_id;
CREATE TEMP TABLE grouped AS
  SELECT COUNT(*) AS c, SUM(p.disability = 'yes') AS disabled, SUM(p.disability = 'no') AS not_disabled,
         SUM(p.low_income = 'yes') AS low_income, SUM(p.low_income = 'no') AS not_low_income
  FROM persons p JOIN recount r USING (hh_id)
  GROUP BY p.area, p.hh_type, p.dwelling, p.tenure, p.age, p.sex, p.relationship, p.marital, p.ethnicity,
           p.nationality, p.residence, p.education, p.activity, r.n;
SELECT 'persons_in_groups_under_k', IFNULL(SUM(c), 0) FROM grouped WHERE c < :k;
-- l-diversity: a group that holds "yes" must hold "no" too; a blank is not a value
-- (6 "yes" and 3 blanks say all 9 are "yes" as well as 9 "yes" do)
SELECT 'groups_all_disabled', COUNT(*) FROM grouped WHERE disabled > 0 AND not_disabled = 0;
SELECT 'groups_all_low_income', COUNT(*) FROM grouped WHERE low_income > 0 AND not_low_income = 0;
-- a household item must be the same for every person of the household (else a
-- reader fills a blank in from the others) and equal to households.csv
SELECT 'households_with_mixed_items', COUNT(*) FROM (
  SELECT hh_id FROM persons GROUP BY hh_id
  HAVING COUNT(DISTINCT area || '|' || hh_size || '|' || hh_type || '|' || dwelling || '|' || tenure || '|' ||
                        low_income) > 1);
SELECT 'persons_not_matching_household', COUNT(*) FROM persons p LEFT JOIN households h USING (hh_id)
  WHERE h.hh_id IS NULL OR p.area <> h.area OR p.hh_size <> h.hh_size OR p.hh_type <> h.hh_type
     OR p.dwelling <> h.dwelling OR p.tenure <> h.tenure OR p.low_income <> h.low_income;
SELECT 'households_without_persons', COUNT(*) FROM households WHERE hh_id NOT IN (SELECT hh_id FROM persons);
SELECT 'released_size_not_recount', COUNT(*) FROM households h JOIN recount r USING (hh_id)
  WHERE CAST(h.hh_size AS INTEGER) <> MIN(r.n, :top);
-- the household as an intruder who knows its members finds it: released area,
-- recounted size, the members' age and sex in sorted order (person order says nothing)
CREATE TEMP TABLE members AS
  SELECT hh_id, group_concat(age || '/' || sex, ',') AS members
  FROM (SELECT hh_id, age, sex FROM persons ORDER BY hh_id, age, sex) GROUP BY hh_id;
CREATE INDEX temp.members_by_id ON members (hh_id);
CREATE INDEX temp.recount_by_id ON recount (hh_id);
CREATE TEMP TABLE household_keys AS
  SELECT h.area || '|' || r.n || '|' || m.members AS household_key
  FROM households h JOIN recount r USING (hh_id) JOIN members m USING (hh_id);
SELECT 'unique_households', COUNT(*) FROM (
  SELECT household_key FROM household_keys GROUP BY household_key HAVING COUNT(*) = 1);
-- blanks the household fills in: the head (no member shows "head", one relationship
-- blank), the spouse's sex (the opposite of the head's), a single named area
SELECT 'derivable_heads', COUNT(*) FROM (
  SELECT hh_id FROM persons GROUP BY hh_id
  HAVING SUM(relationship = 'head') = 0 AND SUM(relationship = '') = 1);
SELECT 'derivable_spouse_sexes', COUNT(*) FROM (
  SELECT hh_id FROM persons GROUP BY hh_id
  HAVING SUM(relationship = 'head') = 1 AND SUM(relationship = 'spouse') = 1
     AND SUM(relationship IN ('head', 'spouse') AND sex = '') = 1);
SELECT 'derivable_areas', CASE WHEN (SELECT COUNT(DISTINCT area) FROM households WHERE area <> '') = 1
  THEN (SELECT COUNT(*) FROM households WHERE area = '') ELSE 0 END;
SELECT 'groups', COUNT(*) FROM grouped;
SELECT 'smallest_group', MIN(c) FROM grouped;
SELECT 'persons', COUNT(*) FROM persons;
SELECT 'households', COUNT(*) FROM households;
