/* test_serve_forms.c — forms over HTTP (suite `serveforms`): a household submitted
 * as its XML and read back, a retried submission stored once, ids allocated per
 * grid to enumerators submitting at once, the address collision and a supervisor's
 * override, refusals with their diagnostics, another grid's form, visits kept in the
 * visit log that leave the form alone, bad bodies that store nothing, the review round
 * trip and the supervisor's dashboard. The real server
 * (under valgrind for check-valgrind) on loopback, over real HTTP (libcurl). */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve_client.h"
#include "testutil.h"

Suite *make_serveforms_suite(void);

#define GRID "510105016003-03"
#define OWN GRID "-0001" /* in the store, at 543-1-101 */
#define NEW GRID "-0000" /* a form's way of saying "a new household" */
#define COUNT_HOUSEHOLDS "SELECT count(*) FROM household"

static pid_t server_pid;
static int server_out = -1;
static int port;

static void ok(tu_result r)
{
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
}

/* Sample household `serial` of grid 03 with its id set to `id` and, given, its
 * room set to `room` (malloc'd XML). */
static char *form(int serial, const char *id, const char *room)
{
    char *name = hh_xasprintf("samples/households/" GRID "-%04d.xml", serial);
    char *path = tu_src(name);
    size_t len;
    char *xml = tu_read_file(path, &len);
    free(name);
    free(path);
    char *at = strstr(xml, "id=\"" GRID "-");
    ck_assert_ptr_nonnull(at);
    memcpy(at + 4, id, strlen(NEW));
    if (room) {
        char *open = strstr(xml, "<room>"), *close = strstr(xml, "</room>");
        ck_assert(open && close);
        *open = '\0';
        char *changed = hh_xasprintf("%s<room>%s%s", xml, room, close);
        free(xml);
        xml = changed;
    }
    return xml;
}

static void serve_setup(void)
{
    tu_store_setup();
    char *own = tu_src("samples/households/" OWN ".xml");
    tu_no_valgrind = 1; /* the scene of every test: the server below runs under valgrind */
    ok(tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, own, NULL));
    tu_no_valgrind = 0;
    free(own);
    tu_serve_add_user("enum03", "enumerator", GRID);
    tu_serve_add_user("enum03b", "enumerator", GRID);
    tu_serve_add_user("enum04", "enumerator", "510105016003-04");
    tu_serve_add_user("super", "supervisor", "510105016003");
    tu_serve_add_user("stats", "statistician", NULL);
    server_pid = tu_hhreg_start(&server_out, "serve", "--listen", "127.0.0.1:0", "--db", tu_store_db, NULL);
    port = tu_serve_port(server_out);
}

static void serve_teardown(void)
{
    tu_serve_stop(server_pid, server_out);
    tu_store_teardown();
}

typedef tu_http http;
#define http_free tu_http_free
#define json_string tu_json_string

/* A signed-in account: its session cookie and CSRF token. */
typedef struct account {
    char *cookie, *csrf;
} account;

/* One request as `who` (NULL: nobody) with `body` of `type`, and the
 * Idempotency-Key `key` when given. */
static http request(const account *who, const char *method, const char *path, const char *type, const char *body,
                    const char *key)
{
    char *url = hh_xasprintf("http://127.0.0.1:%d%s", port, path);
    char *idempotency = key ? hh_xasprintf("Idempotency-Key: %s", key) : NULL;
    tu_http_request rq = { url, method, type, body, who ? who->cookie : NULL, who ? who->csrf : NULL, idempotency,
                           NULL, false };
    http h = tu_http_send(&rq);
    free(idempotency);
    free(url);
    return h;
}

static account sign_in(const char *user)
{
    char *body = hh_xasprintf("{\"user\":\"%s\",\"password\":\"%s\"}", user, TU_SERVE_PASSWORD);
    http h = request(NULL, "POST", "/api/v1/session", NULL, body, NULL);
    ck_assert_msg(h.status == 201, "%s: %ld %s", user, h.status, h.body.data);
    const char *cookie = strstr(h.headers.data, "hhreg_session=");
    ck_assert_ptr_nonnull(cookie);
    account a = { hh_xstrdup(cookie), json_string(h.body.data, "csrf") };
    a.cookie[strcspn(a.cookie, ";\r\n")] = '\0';
    ck_assert_ptr_nonnull(a.csrf);
    http_free(&h);
    free(body);
    return a;
}

static void account_free(account *a)
{
    free(a->cookie);
    free(a->csrf);
}

static http submit(const account *who, const char *xml, const char *key)
{
    return request(who, "POST", "/api/v1/households", "application/xml", xml, key);
}

START_TEST(a_new_household_is_stored_with_an_id_and_read_back)
{
    account e = sign_in("enum03");
    char *xml = form(3, NEW, NULL);
    http h = submit(&e, xml, NULL);
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    ck_assert_msg(strstr(h.body.data, "\"outcome\":\"stored\",\"id\":\"" GRID "-0002\",\"revision\":1"), "%s",
                  h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/households/" GRID "-0002", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"id\":\"" GRID "-0002\""), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    /* the same form again, now under its id: unchanged */
    char *again = form(3, GRID "-0002", NULL);
    h = submit(&e, again, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"outcome\":\"unchanged\""), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-submit' AND actor"
                                               " = 'enum03' AND household_id = '" GRID "-0002'"),
                     2);
    /* the audit log keeps ids and statuses, never a value of the form */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%543%'"), 0);
    free(again);
    free(xml);
    account_free(&e);
}
END_TEST

START_TEST(a_retried_submission_is_stored_once)
{
    account e = sign_in("enum03");
    char *xml = form(3, NEW, NULL);
    http first = submit(&e, xml, "phone-7f3a-0001");
    ck_assert_msg(first.status == 201, "%ld %s", first.status, first.body.data);
    http second = submit(&e, xml, "phone-7f3a-0001");
    ck_assert_int_eq(second.status, 201);
    ck_assert_str_eq(second.body.data, first.body.data);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM submission"), 1);
    http_free(&first);
    http_free(&second);
    /* the same id with another form (a client that reused its ids) is refused, not
     * answered "stored" with the first form's answer while this one is dropped */
    char *another = form(5, NEW, NULL);
    http reused = submit(&e, another, "phone-7f3a-0001");
    ck_assert_msg(reused.status == 422 && strstr(reused.body.data, "\"code\":\"submission-id-reused\""), "%ld %s",
                  reused.status, reused.body.data);
    http_free(&reused);
    free(another);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE"
                                               " '%a submission id given before to another request: refused'"),
                     1);
    /* the key is the account's: another account's same key is its own submission */
    account b = sign_in("enum03b");
    char *other = form(4, NEW, NULL);
    http h = submit(&b, other, "phone-7f3a-0001");
    ck_assert_msg(h.status == 201 && strstr(h.body.data, GRID "-0003"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* an unusable key is refused */
    h = submit(&b, other, "a key with spaces");
    ck_assert_int_eq(h.status, 400);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 3);
    free(other);
    free(xml);
    account_free(&e);
    account_free(&b);
}
END_TEST

typedef struct creation {
    const account *who;
    char *xml;
    http answer;
} creation;

static void *create(void *arg)
{
    creation *c = arg;
    c->answer = submit(c->who, c->xml, NULL);
    return NULL;
}

START_TEST(enumerators_creating_households_at_once_get_different_ids)
{
    account e[2] = { sign_in("enum03"), sign_in("enum03b") };
    enum { N = 6 };
    creation c[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        c[i] = (creation){ .who = &e[i % 2], .xml = form(3 + i, NEW, NULL) };
        ck_assert_int_eq(pthread_create(&t[i], NULL, create, &c[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    char *ids[N];
    for (int i = 0; i < N; i++) {
        ck_assert_msg(c[i].answer.status == 201, "%d: %ld %s", i, c[i].answer.status, c[i].answer.body.data);
        ids[i] = json_string(c[i].answer.body.data, "id");
        ck_assert_ptr_nonnull(ids[i]);
        for (int k = 0; k < i; k++)
            ck_assert_str_ne(ids[i], ids[k]);
    }
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 1 + N);
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL)); /* the store is sound, its audit chain whole */
    for (int i = 0; i < N; i++) {
        free(ids[i]);
        free(c[i].xml);
        http_free(&c[i].answer);
    }
    account_free(&e[0]);
    account_free(&e[1]);
}
END_TEST

/* Issue 18 item 6: a supervisor gives an enumerator single buildings of a grid
 * ("GRID/BUILDING", the building as the forms give it). They list, read, visit and
 * submit that building's households only — a household not there, or of another
 * building of the same grid, is another's (403) — and cannot take one of another
 * building over by sending a form with its id. */
START_TEST(an_enumerator_given_a_building_works_in_it_alone)
{
    static const char revisions_of_own[] = "SELECT count(*) FROM revision WHERE household_id = '" OWN "'";
    char *b544 = tu_src("samples/households/" GRID "-0076.xml"); /* building 544; OWN is in 543 */
    ok(tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, b544, NULL));
    free(b544);
    tu_serve_add_user("bldg", "enumerator", GRID "/544");
    account b = sign_in("bldg"), s = sign_in("super");
    http h = request(&b, "GET", "/api/v1/households", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"" GRID "-0076\"") && !strstr(h.body.data, OWN), "%ld %s",
                  h.status, h.body.data);
    http_free(&h);
    static const struct {
        const char *method, *path, *body;
        long status;
    } tries[] = {
        { "GET", "/api/v1/households/" GRID "-0076", NULL, 200 },
        { "GET", "/api/v1/households/" OWN, NULL, 403 },
        { "GET", "/api/v1/households/" GRID "-9999", NULL, 403 },
        { "POST", "/api/v1/households/" OWN "/visits", "{\"date\":\"2026-11-20\",\"purpose\":\"routine\",\"outcome\":\"done\"}",
          403 },
        { "POST", "/api/v1/households/" GRID "-0076/visits",
          "{\"date\":\"2026-11-20\",\"purpose\":\"routine\",\"outcome\":\"done\"}", 201 },
    };
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        h = request(&b, tries[i].method, tries[i].path, NULL, tries[i].body, NULL);
        ck_assert_msg(h.status == tries[i].status, "%s %s: %ld %s", tries[i].method, tries[i].path, h.status,
                      h.body.data);
        http_free(&h);
    }
    /* forms: a new one in the building is stored; one in another building, a
     * revision of another building's household, and a form taking one over by its
     * id (OWN's id on a form of building 544) are refused */
    char *new_here = form(77, NEW, NULL), *new_there = form(1, NEW, "909"), *revision_there = form(1, OWN, NULL),
         *take_over = form(76, OWN, "909");
    h = submit(&b, new_here, NULL);
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    const char *refused[] = { new_there, revision_there, take_over };
    for (size_t i = 0; i < 3; i++) {
        h = submit(&b, refused[i], NULL);
        ck_assert_msg(h.status == 403, "form %zu: %ld %s", i, h.status, h.body.data);
        http_free(&h);
    }
    ck_assert_int_eq(tu_sql_count(tu_store_db, revisions_of_own), 1);
    /* a second building of the same grid: each household listed once */
    h = request(&s, "POST", "/api/v1/assignments", NULL, "{\"user\":\"bldg\",\"grid\":\"" GRID "/543\"}", NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"grids\":[\"" GRID "/543\",\"" GRID "/544\"]"), "%ld %s",
                  h.status, h.body.data);
    http_free(&h);
    h = request(&b, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_int_eq(h.status, 200);
    http_free(&h);
    h = request(&b, "GET", "/api/v1/households", NULL, NULL, NULL);
    const char *first = strstr(h.body.data, "\"" OWN "\"");
    ck_assert_msg(h.status == 200 && first && !strstr(first + 1, "\"" OWN "\"") &&
                      strstr(h.body.data, "\"" GRID "-0076\""),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* what a building is given to, and how it is written */
    static const struct {
        const char *body;
        long status;
    } assignments[] = {
        { "{\"user\":\"enum03\",\"grid\":\"" GRID "/543\"}", 409 }, /* holds the whole grid already */
        { "{\"user\":\"bldg\",\"grid\":\"" GRID "/\"}", 400 },
        { "{\"user\":\"bldg\",\"grid\":\"" GRID "/ 545\"}", 400 },
        { "{\"user\":\"bldg\",\"grid\":\"510105016004-03/545\"}", 403 }, /* another community's */
    };
    for (size_t i = 0; i < sizeof assignments / sizeof assignments[0]; i++) {
        h = request(&s, "POST", "/api/v1/assignments", NULL, assignments[i].body, NULL);
        ck_assert_msg(h.status == assignments[i].status, "%s: %ld %s", assignments[i].body, h.status, h.body.data);
        http_free(&h);
    }
    tu_result r = tu_hhreg(NULL, NULL, "user", "add", "sup2", "--role", "supervisor", "--grid", GRID "/543", "--db",
                           tu_store_db, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "only an enumerator is given a single building"), "exit %d: %s",
                  r.status, r.err);
    tu_result_free(&r);
    free(new_here), free(new_there), free(revision_there), free(take_over);
    account_free(&b);
    account_free(&s);
}
END_TEST

START_TEST(a_held_address_is_refused_unless_a_supervisor_overrides)
{
    account e = sign_in("enum03");
    char *xml = form(3, NEW, "101"); /* 543-1-101: OWN's room */
    http h = submit(&e, xml, NULL);
    ck_assert_msg(h.status == 409 && strstr(h.body.data, "\"code\":\"address-held\"") &&
                      strstr(h.body.data, "\"household\":\"" OWN "\""),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* a worker of another grid is refused too, but not told which household lives there */
    char *elsewhere = form(3, "510105016003-04-0000", "101");
    char *grid = strstr(elsewhere, "<grid>3</grid>");
    ck_assert_ptr_nonnull(grid);
    grid[6] = '4';
    account e4 = sign_in("enum04");
    h = submit(&e4, elsewhere, NULL);
    ck_assert_msg(h.status == 409 && strstr(h.body.data, "\"code\":\"address-held\"") && !strstr(h.body.data, OWN),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    account_free(&e4);
    free(elsewhere);
    /* the enumerator may not override */
    h = request(&e, "POST", "/api/v1/households?override=address", "application/xml", xml, NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 1);
    account s = sign_in("super");
    h = request(&s, "POST", "/api/v1/households?override=address", "application/xml", xml, NULL);
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 2);
    /* the form stored over it keeps the warning that another household lives there */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM form_warning WHERE rule_id = 'ROOM-HELD'"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'address-override' AND"
                                               " actor = 'super' AND detail LIKE '%" OWN "%'"),
                     1);
    free(xml);
    account_free(&e);
    account_free(&s);
}
END_TEST

START_TEST(an_invalid_form_is_refused_with_its_diagnostics)
{
    account e = sign_in("enum03");
    char *xml = form(3, NEW, NULL);
    char *count = strstr(xml, "<memberCount>1<");
    ck_assert_ptr_nonnull(count);
    count[strlen("<memberCount>")] = '7';
    http h = submit(&e, xml, NULL);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "\"code\":\"invalid-form\"") &&
                      strstr(h.body.data, "\"diagnostics\":[{") && strstr(h.body.data, "\"rule\":\"") &&
                      strstr(h.body.data, "\"path\":\"memberCount\""),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 1);
    /* a person's document number held by another household: refused without naming it */
    char *twin = form(1, NEW, "999");
    h = submit(&e, twin, NULL);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "\"rule\":\"STORE-ID-DUP\"") &&
                      strstr(h.body.data, "another household: check the number; if the person has moved here") &&
                      !strstr(h.body.data, OWN),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    free(twin);
    /* two new households in one request (a batch): refused whole, neither stored */
    char *valid = form(3, NEW, NULL);
    const char *one = strstr(valid, "<household ");
    ck_assert_ptr_nonnull(one);
    char *batch = hh_xasprintf("<households xmlns=\"urn:hhreg:household:1\">%s%s</households>", one, one);
    h = submit(&e, batch, NULL);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "\"rule\":\"XML-ONE-FORM\""), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    free(batch);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 1);
    /* a form of another grid */
    account other = sign_in("enum04");
    h = submit(&other, valid, NULL);
    ck_assert_msg(h.status == 403, "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* a statistician submits nothing */
    account stats = sign_in("stats");
    h = submit(&stats, valid, NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-submit' AND actor"
                                               " = 'stats' AND detail LIKE '%: 403%'"),
                     1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 1);
    free(valid);
    free(xml);
    account_free(&e);
    account_free(&other);
    account_free(&stats);
}
END_TEST

/* Whether GET /api/v1/due owes OWN a revisit. */
static bool revisit_owed(const account *e)
{
    http h = request(e, "GET", "/api/v1/due?days=3650", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body.data);
    const char *own = strstr(h.body.data, "{\"id\":\"" OWN "\","), *next = own ? strstr(own + 1, "{\"id\":") : NULL;
    const char *revisit = own ? strstr(own, "\"revisit\":true") : NULL;
    bool owed = revisit && (!next || revisit < next);
    http_free(&h);
    return owed;
}

/* A door found shut in the morning and the form completed that evening: the last
 * visit of the day is the form's, and no revisit is owed; a door found shut after
 * the form was stored that day owes one, and an edit a week later changes neither.
 * Within one second (as here, mostly) the store orders them by its change feed. */
START_TEST(a_door_found_shut_then_the_form_completed_owes_no_revisit)
{
    account e = sign_in("enum03");
    static const char shut[] = "{\"date\":\"2026-11-20\",\"purpose\":\"routine\",\"outcome\":\"nobody-home\"}";
    http h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL, shut, "morning");
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert(revisit_owed(&e));
    char *xml = form(1, OWN, NULL);
    char *date = strstr(xml, "date=\"2026-10-11\" status="), *visit = strstr(xml, "</visit>");
    visit = visit ? visit : strstr(xml, "outcome=\"done\"/>");
    ck_assert(date && visit);
    memcpy(date + 6, "2026-11-20", 10);
    visit = strchr(visit, '>') + 1;
    char *evening = hh_xasprintf("%.*s<visit date=\"2026-11-20\" enumerator=\"E0300\" purpose=\"routine\""
                                 " outcome=\"done\"/>%s",
                                 (int)(visit - xml), xml, visit);
    h = request(&e, "POST", "/api/v1/households?base-revision=1", "application/xml", evening, "evening");
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"revision\":2"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_msg(!revisit_owed(&e), "the form completed after the door was found shut still owes a revisit");
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL, shut, "night");
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert(revisit_owed(&e));
    /* and an edit of the form later (a phone number) leaves that order as it was */
    char *edited = hh_xstrdup(evening), *phone = strstr(edited, "<phone>0");
    ck_assert_ptr_nonnull(phone);
    phone[7] = '9';
    h = request(&e, "POST", "/api/v1/households?base-revision=2", "application/xml", edited, "next-week");
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"revision\":3"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_msg(revisit_owed(&e), "editing the form later cleared the revisit owed");
    /* a base revision the household never had is told as such, not as a newer one stored */
    phone[7] = '8';
    h = request(&e, "POST", "/api/v1/households?base-revision=99", "application/xml", edited, "from-the-future");
    ck_assert_msg(h.status == 400 && strstr(h.body.data, "\"code\":\"base-revision\"") &&
                      !strstr(h.body.data, "STORE-CONFLICT"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* audited as a submission that stored nothing: no revision named */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-submit' AND"
                                               " household_id = '" OWN "' AND detail LIKE '%: 400; nothing stored'"
                                               " AND revision IS NULL"),
                     1);
    free(edited);
    free(evening);
    free(xml);
    account_free(&e);
}
END_TEST

/* A visit goes to the household's visit log: the form, its enumeration date and
 * its revision stay (issue 17 item 9, issue 18 item 4); due and the household's
 * JSON see it; its items are read as `hhreg visit` reads what is typed. */
START_TEST(a_visit_goes_to_the_log_and_leaves_the_form)
{
    static const char count_revisions[] = "SELECT count(*) FROM revision WHERE household_id = '" OWN "'";
    static const char same_form[] = "SELECT count(*) FROM revision WHERE household_id = '" OWN "' AND revision = 1"
                                    " AND enumeration_date = '2026-10-11'";
    ck_assert_int_eq(tu_sql_count(tu_store_db, same_form), 1);
    account e = sign_in("enum03");
    http h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL,
                     "{\"date\":\"2026-10-11\",\"purpose\":\"routine\",\"outcome\":\"nobody-home\","
                     "\"note\":\"back after 6 pm\",\"clientId\":\"visit-1\"}",
                     NULL);
    ck_assert_msg(h.status == 201 && strcmp(h.body.data, "{\"outcome\":\"logged\",\"id\":\"" OWN "\",\"visit\":1}") == 0,
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, count_revisions), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM visit_log WHERE household_id = '" OWN "' AND"
                                               " seq = 1 AND date = '2026-10-11' AND enumerator = 'enum03'"
                                               " AND outcome = 'nobody-home' AND recorded_by = 'enum03'"),
                     1);
    /* nobody was home: a revisit is due, to the grid's enumerator only (GET /api/v1/due) */
    h = request(&e, "GET", "/api/v1/due?days=3650", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "{\"id\":\"" OWN "\",\"building\":") &&
                      strstr(h.body.data, "\"revisit\":true"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    account grid04 = sign_in("enum04");
    h = request(&grid04, "GET", "/api/v1/due?days=3650&group=alone,foreign", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && !strstr(h.body.data, OWN), "%ld %s", h.status, h.body.data);
    http_free(&h);
    account_free(&grid04);
    /* the same clientId again: the same answer, nothing new */
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL,
                "{\"date\":\"2026-10-11\",\"purpose\":\"routine\",\"outcome\":\"nobody-home\","
                "\"note\":\"back after 6 pm\",\"clientId\":\"visit-1\"}",
                NULL);
    ck_assert_int_eq(h.status, 201);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM visit_log"), 1);
    /* a later visit, its date and codes typed the way people write them: the form stays as it was */
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL,
                "{\"date\":\"2026/11/2\",\"purpose\":\"燃气安全检查\",\"outcome\":\"Done\"}", "visit-2");
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"visit\":2"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM visit_log WHERE seq = 2 AND date = '2026-11-02'"
                                               " AND purpose = 'gas-safety' AND outcome = 'done' AND note IS NULL"),
                     1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, count_revisions), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, same_form), 1);
    h = request(&e, "GET", "/api/v1/due?days=3650", NULL, NULL, NULL); /* visited: nothing owed any more */
    ck_assert_msg(h.status == 200 && !strstr(h.body.data, OWN), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"visitLog\":[{\"date\":\"2026-10-11\",") &&
                      strstr(h.body.data, "{\"date\":\"2026-11-02\",\"enumerator\":\"enum03\",\"purpose\":"
                                          "\"gas-safety\",\"outcome\":\"done\",\"note\":null}]"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* another grid's household */
    account other = sign_in("enum04");
    h = request(&other, "POST", "/api/v1/households/" OWN "/visits", NULL,
                "{\"date\":\"2026-11-03\",\"purpose\":\"routine\",\"outcome\":\"done\"}", NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    /* refused before anything was read, and still in the audit log */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-visit' AND actor"
                                               " = 'enum04' AND household_id = '" OWN "' AND detail LIKE '%: 403%'"),
                     1);
    /* a code the schema does not know, a near miss, a day to come: refused by item, never quoted */
    static const char *const refused[][2] = {
        { "{\"date\":\"2026-11-03\",\"purpose\":\"picnic\",\"outcome\":\"done\"}", "purpose" },
        { "{\"date\":\"2026-11-03\",\"purpose\":\"routine\",\"outcome\":\"dine\"}", "outcome" },
        { "{\"date\":\"2026-11-03\",\"purpose\":\"3\",\"outcome\":\"done\"}", "purpose" }, /* a menu's number */
        { "{\"date\":\"2099-01-01\",\"purpose\":\"routine\",\"outcome\":\"done\"}", "after today" },
        { "{\"date\":\"11/03\",\"purpose\":\"routine\",\"outcome\":\"done\"}", "date" },
        { "{\"date\":\"2026-10-01\",\"purpose\":\"routine\",\"outcome\":\"done\"}", "enumeration date" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL, refused[i][0], NULL);
        char *code = json_string(h.body.data, "code");
        ck_assert_msg(h.status == 422 && code && strcmp(code, "invalid-visit") == 0 &&
                          strstr(h.body.data, refused[i][1]) && !strstr(h.body.data, "picnic") &&
                          !strstr(h.body.data, "dine"),
                      "case %zu: %ld %s", i, h.status, h.body.data);
        free(code);
        http_free(&h);
    }
    /* asked in Chinese, the refusal is in Chinese */
    char *url = hh_xasprintf("http://127.0.0.1:%d/api/v1/households/" OWN "/visits", port);
    tu_http_request zh = { url,    "POST", NULL, "{\"date\":\"2026-10-01\",\"purpose\":\"routine\",\"outcome\":\"done\"}",
                           e.cookie, e.csrf, "Accept-Language: zh-CN,zh;q=0.9", NULL, false };
    h = tu_http_send(&zh);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "\"message\":\"走访日期早于本表登记日期") &&
                      strstr(h.body.data, "\"en\":\"The visit's date is before the form's enumeration date"),
                  "%ld %s", h.status, h.body.data); /* the message in Chinese; both in "messages" */
    http_free(&h);
    free(url);
    /* a misspelt key is refused by name rather than its note lost */
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL,
                "{\"date\":\"2026-11-03\",\"purpose\":\"routine\",\"outcome\":\"done\",\"notes\":\"x\"}", NULL);
    ck_assert_msg(h.status == 400 && strstr(h.body.data, "\\\"notes\\\" is not an item of a visit"), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM visit_log"), 2);
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL));
    account_free(&e);
    account_free(&other);
}
END_TEST

/* The review round trip: the supervisor's queue, a return with comments on the form
 * and an item, what the enumerator sees of it (its list, due, the household), a
 * visit that keeps the state, a new revision submitted again and approved; refusals
 * that change nothing, and an audit log that never holds a comment's words. */
START_TEST(a_form_is_returned_changed_and_approved)
{
    account e = sign_in("enum03"), super = sign_in("super"), other = sign_in("enum04");
    http h = request(&super, "GET", "/api/v1/review-queue", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "{\"id\":\"" OWN "\",\"building\":\"543\"") &&
                      strstr(h.body.data, "\"review\":{\"state\":\"submitted\",\"revision\":1}"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    static const char returned[] = "{\"decision\":\"return\",\"revision\":1,\"comment\":\"call the daughter\","
                                   "\"items\":[{\"path\":\"person[1]/birthDate\",\"comment\":\"ID says 1942\"}]}";
    static const struct {
        const account *who;
        const char *body;
        long status;
        const char *code;
    } refused[] = {
        { NULL, NULL, 403, "forbidden" }, /* the enumerator (who set below) */
        { NULL, "{\"decision\":\"return\"}", 400, "bad-review" }, /* no comment at all */
        { NULL, "{\"decision\":\"maybe\"}", 400, "body" },
        { NULL, "{\"decision\":\"approve\",\"revision\":\"1\"}", 400, "body" },
        { NULL, "[1,2]", 400, "body" },
        { NULL, "{\"decision\":\"approve\",\"revision\":7}", 409, "stale-revision" },
        { NULL, "{\"decision\":\"return\",\"items\":[{\"path\":\"person[3]/name\",\"comment\":\"x\"}]}", 400,
          "bad-review" },
        { NULL, "{\"decision\":\"return\",\"comment\":\"\\u001b[2J\"}", 400, "bad-review" },
        /* a misspelt key is refused, not read as absent: the item comments are not dropped */
        { NULL, "{\"decision\":\"return\",\"comment\":\"see items\",\"item\":[{\"path\":\"person/sex\",\"comment\":\"x\"}]}",
          400, "body" },
        { NULL, "{\"decision\":\"return\",\"items\":[{\"path\":\"person/sex\",\"comment\":\"x\",\"note\":1}]}", 400,
          "body" },
        { NULL, "{\"decision\":\"return\",\"comment\":\" \\u3000 \"}", 400, "bad-review" }, /* blanks say nothing */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        h = request(i == 0 ? &e : &super, "POST", "/api/v1/households/" OWN "/review", NULL,
                    refused[i].body ? refused[i].body : returned, NULL);
        char *code = hh_xasprintf("{\"error\":{\"code\":\"%s\"", refused[i].code);
        ck_assert_msg(h.status == refused[i].status && strstr(h.body.data, code), "%zu: %ld %s", i, h.status,
                      h.body.data);
        /* the reason in both languages (the library's was given as both) */
        const char *zh = strstr(h.body.data, "\"zh\":\""), *en = strstr(h.body.data, "\"en\":\"");
        ck_assert_msg(zh && en && (unsigned char)zh[6] >= 0x80 && (unsigned char)en[6] < 0x80, "%zu: %s", i,
                      h.body.data);
        free(code);
        http_free(&h);
    }
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM review"), 0);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-review'"),
                     (long)(sizeof refused / sizeof refused[0]));
    h = request(&super, "POST", "/api/v1/households/510105016004-03-0001/review", NULL, returned, NULL);
    ck_assert_int_eq(h.status, 403); /* another community's */
    http_free(&h);
    h = request(&super, "POST", "/api/v1/households/" OWN "/review", NULL, returned, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"state\":\"returned\",\"revision\":1,\"reviewer\":\"super\"") &&
                      strstr(h.body.data, "\"items\":[{\"path\":\"person/birthDate\",\"comment\":\"ID says 1942\"}]"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* what the enumerator sees: the returned list, due, the household itself */
    h = request(&e, "GET", "/api/v1/review-queue?state=returned", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"comment\":\"call the daughter\""), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    h = request(&other, "GET", "/api/v1/review-queue?state=returned", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strcmp(h.body.data, "[]") == 0, "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/review-queue?state=nonsense", NULL, NULL, NULL);
    ck_assert_int_eq(h.status, 400);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/due?days=3650", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"returned\":true"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"revision\":1,\"review\":{\"state\":\"returned\""),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* a visit is no change to review: the form stays returned */
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL,
                "{\"date\":\"2026-11-02\",\"purpose\":\"routine\",\"outcome\":\"done\"}", NULL);
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"outcome\":\"logged\""), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(strstr(h.body.data, "\"revision\":1,\"review\":{\"state\":\"returned\",\"revision\":1"), "%s",
                  h.body.data);
    http_free(&h);
    /* the enumerator changes the form: a new revision, submitted again */
    char *xml = form(1, OWN, NULL), *changed = NULL;
    char *area = strstr(xml, "<floorArea>");
    ck_assert_ptr_nonnull(area);
    *area = '\0';
    changed = hh_xasprintf("%s<floorArea>61.5</floorArea>%s", xml, strstr(area + 1, "</floorArea>") + 12);
    h = submit(&e, changed, NULL);
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"outcome\":\"revised\",\"id\":\"" OWN "\",\"revision\":2"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&super, "GET", "/api/v1/review-queue", NULL, NULL, NULL);
    ck_assert_msg(strstr(h.body.data, "\"review\":{\"state\":\"submitted\",\"revision\":2}"), "%s", h.body.data);
    http_free(&h);
    h = request(&super, "POST", "/api/v1/households/" OWN "/review", NULL, "{\"decision\":\"approve\"}", NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"state\":\"approved\",\"revision\":2"), "%ld %s",
                  h.status, h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/due?days=3650", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && !strstr(h.body.data, "\"returned\":true"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&super, "GET", "/api/v1/review-queue", NULL, NULL, NULL);
    ck_assert_msg(h.status == 200 && strcmp(h.body.data, "[]") == 0, "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* kept with the revisions, in history; the audit log has who and what, never the words */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM review"), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'review' AND actor ="
                                               " 'super' AND household_id = '" OWN "'"),
                     2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%daughter%' OR detail"
                                               " LIKE '%1942%'"),
                     0);
    tu_result r = tu_hhreg(NULL, NULL, "history", "--db", tu_store_db, OWN, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "returned ") && strstr(r.out, "by super: call the daughter") &&
                      strstr(r.out, "person/birthDate: ID says 1942") && strstr(r.out, "approved "),
                  "%s%s", r.out, r.err);
    tu_result_free(&r);
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL));
    free(changed);
    free(xml);
    account_free(&e);
    account_free(&super);
    account_free(&other);
}
END_TEST

/* The supervisor's dashboard: counts per grid and per enumerator, from the forms,
 * their review states and today's visits; no id or address in it; the supervisor's
 * only. */
START_TEST(the_dashboard_counts_the_grids_work)
{
    account e = sign_in("enum03"), super = sign_in("super");
    char *xml = form(3, NEW, NULL);
    http h = submit(&e, xml, NULL);
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char *visit = hh_xasprintf("{\"date\":\"%04d-%02d-%02d\",\"purpose\":\"routine\",\"outcome\":\"done\"}",
                               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL, visit, NULL);
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&super, "POST", "/api/v1/households/" OWN "/review", NULL,
                "{\"decision\":\"return\",\"comment\":\"the phone\"}", NULL);
    ck_assert_int_eq(h.status, 200);
    http_free(&h);
    h = request(&super, "GET", "/api/v1/progress", NULL, NULL, NULL);
    static const char counts[] = "\"households\":2,\"enumerated\":2,\"notEnumerated\":0,\"submitted\":1,"
                                 "\"approved\":0,\"returned\":1,\"visits7\":1,\"visits30\":1,";
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "{\"asOf\":\"") &&
                      strstr(h.body.data, "\"grids\":[{\"grid\":\"" GRID "\",") &&
                      strstr(h.body.data, "\"enumerators\":[{\"enumerator\":\"E0300\",") &&
                      strstr(h.body.data, counts) && !strstr(h.body.data, OWN) && !strstr(h.body.data, "543"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/progress", NULL, NULL, NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE actor = 'super' AND detail LIKE"
                                               " 'progress of 2 household(s)%'"),
                     1);
    free(visit);
    free(xml);
    account_free(&e);
    account_free(&super);
}
END_TEST

/* A raw connection to the server. */
static int connect_raw(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Sends `head` and `body` on a raw connection, then closes it half-way. */
static void send_truncated(const char *head, const char *body)
{
    int fd = connect_raw();
    ck_assert(write(fd, head, strlen(head)) == (ssize_t)strlen(head));
    ck_assert(write(fd, body, strlen(body)) == (ssize_t)strlen(body));
    close(fd);
}

START_TEST(bad_bodies_store_nothing)
{
    account e = sign_in("enum03");
    char *xml = form(3, NEW, NULL);
    long audit_before = tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'store'");
    /* half a form */
    xml[strlen(xml) / 2] = '\0';
    http h = submit(&e, xml, NULL);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "\"diagnostics\":[{"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    static const struct {
        const char *path, *type, *body;
        long status;
        const char *code;
    } cases[] = {
        { "/api/v1/households", "application/json", "{\"id\":\"" NEW "\"}", 422, "invalid-form" },
        { "/api/v1/households", "application/json", "{\"id\":", 400, "json-form" },
        { "/api/v1/households", "text/plain", "<household/>", 415, "content-type" },
        { "/api/v1/households", "application/xml", "", 400, "empty-body" },
        { "/api/v1/households", "application/xml", "not xml at all", 422, "invalid-form" },
        { "/api/v1/households?override=everything", "application/xml", "<x/>", 400, "override" },
        { "/api/v1/households/" OWN "/visits", NULL, "{\"date\":", 400, "body" },
        { "/api/v1/households/" OWN "/visits", NULL, "{\"date\":\"2026-11-02\",\"purpose\":\"routine\"}", 400,
          "item" },
        { "/api/v1/households/" GRID "-0999/visits", NULL,
          "{\"date\":\"2026-11-02\",\"purpose\":\"routine\",\"outcome\":\"done\"}", 404, "no-household" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h = request(&e, "POST", cases[i].path, cases[i].type, cases[i].body, NULL);
        char *code = json_string(h.body.data, "code");
        ck_assert_msg(h.status == cases[i].status && code && strcmp(code, cases[i].code) == 0, "case %zu: %ld %s", i,
                      h.status, h.body.data);
        free(code);
        http_free(&h);
    }
    h = request(&e, "POST", "/api/v1/households/" OWN "/visits", NULL,
                "{\"date\":\"2026-11-02\",\"purpose\":\"routine\"}", NULL);
    ck_assert_msg(strstr(h.body.data, "\\\"outcome\\\""), "the message names the item: %s", h.body.data);
    http_free(&h);
    /* an upload cut off before its announced length */
    char *full = form(4, NEW, NULL);
    char *head = hh_xasprintf("POST /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                              "X-CSRF-Token: %s\r\nContent-Type: application/xml\r\nContent-Length: %zu\r\n\r\n",
                              e.cookie, e.csrf, strlen(full));
    full[strlen(full) / 3] = '\0';
    send_truncated(head, full);
    /* the server is still there, and nothing was stored */
    h = request(&e, "GET", "/api/v1/households", NULL, NULL, NULL);
    ck_assert_int_eq(h.status, 200);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'store'"), audit_before);
    free(head);
    free(full);
    free(xml);
    account_free(&e);
}
END_TEST

/* A form sent as its JSON shape (what GET gives) goes the XML's way: read back and
 * sent again it is unchanged, an edit is a revision; a key that is no item is
 * refused by name (a value where a key goes is never quoted), a bad value gets the
 * diagnostics at its item; nothing is stored from a refusal. */
START_TEST(a_form_sent_as_json_is_stored_as_its_xml_would_be)
{
    account e = sign_in("enum03");
    char *xml = form(3, NEW, NULL);
    http h = submit(&e, xml, NULL);
    ck_assert_int_eq(h.status, 201);
    http_free(&h);
    h = request(&e, "GET", "/api/v1/households/" GRID "-0002", NULL, NULL, NULL);
    ck_assert_int_eq(h.status, 200);
    char *json = hh_xstrdup(h.body.data);
    http_free(&h);
    /* the first time, an item left to its default in the XML (preferredLanguage) is
     * written out: a revision equal in every value; from then on, unchanged */
    for (int round = 0; round < 2; round++) {
        h = request(&e, "POST", "/api/v1/households", "application/json", json, NULL);
        ck_assert_msg(round ? h.status == 200 && strstr(h.body.data, "\"outcome\":\"unchanged\"")
                            : h.status == 200 || h.status == 201,
                      "%d: %ld %s", round, h.status, h.body.data);
        http_free(&h);
    }
    long revisions = tu_sql_count(tu_store_db, "SELECT count(*) FROM revision");
    char *area = strstr(json, "\"floorArea\":");
    ck_assert_ptr_nonnull(area);
    char *edited = hh_xasprintf("%.*s\"floorArea\":88.5%s", (int)(area - json), json, strpbrk(area + 12, ",}"));
    h = request(&e, "POST", "/api/v1/households", "application/json", edited, NULL);
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"outcome\":\"revised\",\"id\":\"" GRID "-0002\""),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household h JOIN revision r ON r.household_id"
                                               " = h.id AND r.revision = h.current_revision WHERE h.id = '" GRID
                                               "-0002' AND floor_area = 88.5"),
                     1);
    static const struct {
        const char *from, *to;
        long status;
        const char *says, *in_chinese; /* messages.zh says it in Chinese, the key as sent */
    } refused[] = {
        { "\"floorArea\":", "\"floorAera\":", 400, "floorAera is not an item of the form", "floorAera 不是表单的项目" },
        { "\"floorArea\":", "\"孙伟\":", 400, "\xe2\x80\xa6 is not an item of the form", "\xe2\x80\xa6 不是表单的项目" },
        { "\"tenure\":\"", "\"tenure\":{\"x\":\"", 400, "tenure is not a string, number", "tenure 不是字符串" },
        { "\"persons\":[", "\"persons\":{\"a\":[", 400, "persons is not an array", "persons 不是数组" },
        { "\"sex\":\"", "\"sex\":\"x", 422, "\"path\":\"person", "" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char *at = strstr(edited, refused[i].from);
        ck_assert_ptr_nonnull(at);
        char *bad = hh_xasprintf("%.*s%s%s", (int)(at - edited), edited, refused[i].to, at + strlen(refused[i].from));
        if (strstr(refused[i].to, "{\"a\":[")) { /* close the object it opened */
            char *end = strstr(bad, "],\"visits\"");
            ck_assert_ptr_nonnull(end);
            char *closed = hh_xasprintf("%.*s]}%s", (int)(end - bad), bad, end + 1);
            free(bad);
            bad = closed;
        }
        if (strstr(refused[i].to, "{\"x\":\"")) {
            char *end = strstr(strstr(bad, "\"tenure\":{"), "\",");
            char *closed = hh_xasprintf("%.*s\"}%s", (int)(end - bad), bad, end + 1);
            free(bad);
            bad = closed;
        }
        h = request(&e, "POST", "/api/v1/households", "application/json", bad, NULL);
        ck_assert_msg(h.status == refused[i].status && strstr(h.body.data, refused[i].says) &&
                          strstr(h.body.data, refused[i].in_chinese) && !strstr(h.body.data, "孙伟"),
                      "%zu: %ld %s", i, h.status, h.body.data);
        http_free(&h);
        free(bad);
    }
    /* an item guided entry would not ask (a child's marital status) is sent on, and
     * the rules refuse it as they refuse it in XML: never dropped */
    char *born = strstr(edited, "\"birthDate\":\"");
    ck_assert_ptr_nonnull(born);
    memcpy(born + 13, "2020-01-01", 10);
    h = request(&e, "POST", "/api/v1/households", "application/json", edited, NULL);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "MARITAL-UNDER-15"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), revisions + 1);
    free(edited);
    free(json);
    free(xml);
    account_free(&e);
}
END_TEST

/* Slow clients hold connections, never the threads: with more of them than the
 * pool has threads, each sending a byte now and then, a request is still answered
 * (were threads held, it would wait for them, and the test would time out). */
typedef struct trickle {
    atomic_int *stop;
    atomic_int sent;
} trickle;

static void *trickle_bytes(void *arg)
{
    trickle *t = arg;
    int fd = connect_raw();
    static const char head[] = "POST /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4000\r\n"
                               "Content-Type: application/xml\r\n\r\n<household";
    for (size_t i = 0; !*t->stop && i < sizeof head - 1; i++) {
        if (write(fd, head + i, 1) == 1)
            t->sent++;
        usleep(100000);
    }
    while (!*t->stop && write(fd, " ", 1) == 1) {
        t->sent++;
        usleep(100000);
    }
    close(fd);
    return NULL;
}

START_TEST(slow_clients_and_header_floods_do_not_stop_the_server)
{
    account e = sign_in("enum03");
    enum { SLOW = 12 }; /* three times the pool's threads */
    atomic_int stop = 0;
    trickle t[SLOW];
    pthread_t th[SLOW];
    for (int i = 0; i < SLOW; i++) {
        t[i] = (trickle){ .stop = &stop };
        ck_assert_int_eq(pthread_create(&th[i], NULL, trickle_bytes, &t[i]), 0);
    }
    while (t[SLOW - 1].sent < 20) /* all of them well into their requests */
        usleep(50000);
    http h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body.data);
    http_free(&h);
    char *xml = form(3, NEW, NULL);
    h = submit(&e, xml, NULL);
    ck_assert_msg(h.status == 201, "%ld %s", h.status, h.body.data);
    http_free(&h);
    free(xml);
    stop = 1;
    for (int i = 0; i < SLOW; i++)
        pthread_join(th[i], NULL);
    /* a flood of headers (a quarter of a megabyte): a 4xx, and the server goes on */
    hh_buf flood;
    hh_buf_init(&flood);
    hh_buf_puts(&flood, "GET /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 2500; i++)
        hh_buf_printf(&flood, "X-Flood-%d: %0100d\r\n", i, i);
    hh_buf_puts(&flood, "\r\n");
    int fd = connect_raw();
    size_t at = 0;
    while (at < flood.len) { /* the server may answer and close before it is all sent */
        ssize_t n = send(fd, flood.data + at, flood.len - at, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        at += (size_t)n;
    }
    char answer[64] = "";
    ssize_t got = recv(fd, answer, sizeof answer - 1, 0);
    answer[got > 0 ? got : 0] = '\0';
    close(fd);
    hh_buf_free(&flood);
    ck_assert_msg(strncmp(answer, "HTTP/1.1 4", 10) == 0, "the flood got: %s", answer);
    h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), 2); /* the slow bodies stored nothing */
    account_free(&e);
}
END_TEST

/* How many of fds[from..n) the server has closed (refused) within `seconds`, or,
 * once `enough` are, within `linger` seconds more. */
static int closed_by_server(const int *fds, int from, int n, int enough, double seconds, double linger)
{
    int closed = 0;
    bool gone[n];
    memset(gone, 0, sizeof gone);
    for (double waited = 0; waited < seconds; waited += 0.05) {
        for (int i = from; i < n; i++) {
            struct pollfd p = { fds[i], POLLIN, 0 };
            char c;
            if (!gone[i] && poll(&p, 1, 0) == 1 && recv(fds[i], &c, 1, MSG_DONTWAIT) <= 0) {
                gone[i] = true;
                closed++;
            }
        }
        if (closed >= enough && waited + linger < seconds)
            seconds = waited + linger;
        usleep(50000);
    }
    return closed;
}

/* An office's phones behind one NAT address hold many connections: 100 from one
 * address are kept and served beside; past half of all (128), the next ones are
 * closed unanswered, so one address cannot take every connection. */
START_TEST(one_address_may_hold_half_the_connections)
{
    account e = sign_in("enum03");
    enum { KEPT = 100, MORE = 40 };
    int fds[KEPT + MORE];
    for (int i = 0; i < KEPT; i++)
        fds[i] = connect_raw();
    http h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(h.status == 200, "beside %d connections: %ld %s", KEPT, h.status, h.body.data);
    http_free(&h);
    for (int i = KEPT; i < KEPT + MORE; i++)
        fds[i] = connect_raw();
    int over = KEPT + MORE - 128;
    int refused = closed_by_server(fds, KEPT, KEPT + MORE, over, 10, 0.5); /* and no more than those */
    /* one more when the server has not yet counted the request's own connection gone */
    ck_assert_msg(refused == over || refused == over + 1, "%d of the last %d connections closed", refused, MORE);
    ck_assert_int_eq(closed_by_server(fds, 0, KEPT, 1, 0.1, 0), 0); /* the first hundred held */
    for (int i = 0; i < KEPT + MORE; i++)
        close(fds[i]);
    h = request(&e, "GET", "/api/v1/households/" OWN, NULL, NULL, NULL);
    ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body.data);
    http_free(&h);
    account_free(&e);
}
END_TEST

/* The server stopped (kill -9, SIGTERM) while eight clients submit. One client: */
typedef struct submitter {
    const account *who;
    int thread;
    atomic_int *stop;
    atomic_long *answered;
    char *ids[90];              /* the ids of the submissions answered 201 */
    char first_key[32];         /* the key of the first of them */
    int first_k;                /* and its number: its form is form(3 + 90 * thread + k, NEW, first_room(k)) */
    int n_ids, sent;
} submitter;

/* Client `thread`'s k-th form (a sample of its own each: their ID numbers must not meet). */
static char *submitted_form(int thread, int k)
{
    char room[16];
    snprintf(room, sizeof room, "9%d%03d", thread, k);
    return form(3 + 90 * thread + k, NEW, room);
}

static void *submit_until_gone(void *arg)
{
    submitter *s = arg;
    for (int k = 0; !*s->stop && k < 90; k++) {
        char key[32];
        snprintf(key, sizeof key, "kill-%d-%d", s->thread, k);
        char *xml = submitted_form(s->thread, k);
        char *url = hh_xasprintf("http://127.0.0.1:%d/api/v1/households", port);
        char *idempotency = hh_xasprintf("Idempotency-Key: %s", key);
        tu_http_request rq = { url, "POST", "application/xml", xml, s->who->cookie, s->who->csrf, idempotency, NULL,
                               true };
        http h = tu_http_send(&rq);
        free(idempotency);
        free(url);
        free(xml);
        s->sent++;
        if (h.status == 201) {
            if (!s->n_ids) {
                snprintf(s->first_key, sizeof s->first_key, "%s", key);
                s->first_k = k;
            }
            s->ids[s->n_ids++] = json_string(h.body.data, "id");
            (*s->answered)++;
        }
        bool refused = h.status == 0;
        http_free(&h);
        if (refused)
            break; /* the server is gone */
    }
    return NULL;
}

/* Eight clients submit until the server is stopped by `sig`, well under way: each
 * submission answered 201 is in the store, nothing is half-stored, check passes.
 * The number of households stored is returned (the sample's one included). */
enum { SUBMITTERS = 8 };
static long submit_until_stopped(int sig, account e[2], submitter sub[SUBMITTERS], long *answered_out)
{
    atomic_int stop = 0;
    atomic_long answered = 0;
    pthread_t t[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++) {
        sub[i] = (submitter){ .who = &e[i % 2], .thread = i, .stop = &stop, .answered = &answered };
        ck_assert_int_eq(pthread_create(&t[i], NULL, submit_until_gone, &sub[i]), 0);
    }
    for (int waited = 0; answered < 24 && waited < 600; waited++) /* well under way */
        usleep(100000);
    ck_assert_int_eq(kill(server_pid, sig), 0);
    int status;
    ck_assert_int_eq(waitpid(server_pid, &status, 0), server_pid);
    if (sig == SIGTERM)
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server ended with %d", status);
    stop = 1;
    for (int i = 0; i < SUBMITTERS; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_ge(answered, 24);
    for (int i = 0; i < SUBMITTERS; i++)
        for (int k = 0; k < sub[i].n_ids; k++) {
            char *sql = hh_xasprintf("SELECT count(*) FROM household h JOIN submission s ON s.household_id = h.id"
                                     " WHERE h.id = '%s'",
                                     sub[i].ids[k]);
            ck_assert_msg(tu_sql_count(tu_store_db, sql) == 1, "%s answered 201 but is not stored", sub[i].ids[k]);
            free(sql);
            free(sub[i].ids[k]);
        }
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL));
    *answered_out = answered;
    return tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS);
}

static void restart_server(void)
{
    close(server_out);
    server_pid = tu_hhreg_start(&server_out, "serve", "--listen", "127.0.0.1:0", "--db", tu_store_db, NULL);
    port = tu_serve_port(server_out);
}

START_TEST(a_killed_server_keeps_every_answered_submission)
{
    account e[2] = { sign_in("enum03"), sign_in("enum03b") };
    submitter sub[SUBMITTERS];
    long answered, households = submit_until_stopped(SIGKILL, e, sub, &answered);
    /* at most one a client more than answered: stored, the answer lost with the server */
    ck_assert_int_ge(households, 1 + answered);
    ck_assert_int_le(households, 1 + answered + SUBMITTERS);
    /* restarted, it answers a retried submission from its kept answer */
    restart_server();
    int who = 0;
    while (who < SUBMITTERS && !sub[who].n_ids)
        who++;
    ck_assert_int_lt(who, SUBMITTERS);
    account again = sign_in(who % 2 ? "enum03b" : "enum03");
    char *xml = submitted_form(who, sub[who].first_k); /* the very same request again */
    http h = submit(&again, xml, sub[who].first_key);
    ck_assert_msg(h.status == 201 && strstr(h.body.data, "\"outcome\":\"stored\""), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, COUNT_HOUSEHOLDS), households);
    free(xml);
    account_free(&again);
    account_free(&e[0]);
    account_free(&e[1]);
}
END_TEST

/* SIGTERM lets the requests in flight finish: each submission the server stored got
 * its answer (none stored and left unanswered, as a kill may), and it exits 0. */
START_TEST(a_stopped_server_answers_what_it_stored)
{
    account e[2] = { sign_in("enum03"), sign_in("enum03b") };
    submitter sub[SUBMITTERS];
    long answered, households = submit_until_stopped(SIGTERM, e, sub, &answered);
    ck_assert_msg(households == 1 + answered, "%ld submissions stored, %ld answered", households - 1, answered);
    restart_server(); /* for the teardown's stop */
    account_free(&e[0]);
    account_free(&e[1]);
}
END_TEST

/* What a raw connection (or the server's output) reads until `needle` has come, it
 * closes or `seconds` pass (malloc'd). */
static char *read_until(int fd, const char *needle, double seconds)
{
    hh_buf got;
    hh_buf_init(&got);
    hh_buf_puts(&got, "");
    for (double waited = 0; !strstr(got.data, needle) && waited < seconds; waited += 0.05) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 50) != 1)
            continue;
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0)
            break;
        hh_buf_append(&got, chunk, (size_t)n);
    }
    return hh_buf_detach(&got);
}

static void send_text(int fd, const char *text)
{
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
}

static const char SIGN_IN_BODY[] = "{\"user\":\"enum03\",\"password\":\"" TU_SERVE_PASSWORD "\"}";

/* A connection with a sign-in in flight: its head and the first half of its body
 * sent, the rest (SIGN_IN_BODY + SIGN_IN_HALF) not yet. */
#define SIGN_IN_HALF (sizeof SIGN_IN_BODY / 2)
static int sign_in_half_sent(void)
{
    int flying = connect_raw();
    char *head = hh_xasprintf("POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\nExpect: 100-continue\r\n\r\n",
                              strlen(SIGN_IN_BODY));
    send_text(flying, head);
    free(head);
    /* "100 Continue" comes once the request was handed over: it is in flight */
    char *got = read_until(flying, "100 Continue", 60);
    ck_assert_msg(strstr(got, "100 Continue"), "%s", got);
    free(got);
    char *first = hh_xasprintf("%.*s", (int)SIGN_IN_HALF, SIGN_IN_BODY);
    send_text(flying, first);
    free(first);
    return flying;
}

/* SIGTERM, and the server's word that it stopped taking requests. */
static void stop_server_gently(void)
{
    ck_assert_int_eq(kill(server_pid, SIGTERM), 0);
    char *got = read_until(server_out, "stopping", 60); /* said once it takes no new request */
    ck_assert_msg(strstr(got, "stopping (Terminated)"), "the server said: %s", got);
    free(got);
}

/* Stopping, the server answers the request it is reading (a sign-in whose body is
 * half sent) once the rest comes, and answers one that comes after the stop on a
 * connection already open with 503 "stopping" and the connection closed. */
START_TEST(a_stopping_server_lands_the_requests_in_flight_and_takes_no_new_one)
{
    int late = connect_raw(), flying = sign_in_half_sent();
    stop_server_gently();
    char *got;
    /* a new connection is refused at once, not left waiting for the stop */
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fresh = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_msg(connect(fresh, (struct sockaddr *)&sa, sizeof sa) != 0 && errno == ECONNREFUSED,
                  "a stopping server took a new connection");
    close(fresh);
    send_text(late, "GET /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    got = read_until(late, "\"stopping\"", 60);
    ck_assert_msg(strncmp(got, "HTTP/1.1 503", 12) == 0 && strstr(got, "\"stopping\"") &&
                      strstr(got, "Connection: close"),
                  "%s", got);
    free(got);
    close(late);
    send_text(flying, SIGN_IN_BODY + SIGN_IN_HALF);
    got = read_until(flying, "\"csrf\"", 120);
    ck_assert_msg(strncmp(got, "HTTP/1.1 201", 12) == 0 && strstr(got, "\"csrf\""), "%s", got);
    free(got);
    close(flying);
    int status;
    ck_assert_int_eq(waitpid(server_pid, &status, 0), server_pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server ended with %d", status);
    restart_server(); /* for the teardown's stop */
}
END_TEST

/* A second SIGTERM ends the wait for the requests in flight (an administrator who
 * does not want to wait for a stalled client): the server says so and exits 0 at
 * once, well before the 30 s it gives them, its store whole. */
START_TEST(a_second_stop_signal_cuts_the_wait_short)
{
    int flying = sign_in_half_sent();
    struct timespec first, ended;
    clock_gettime(CLOCK_MONOTONIC, &first);
    stop_server_gently();
    ck_assert_int_eq(kill(server_pid, SIGTERM), 0);
    char *got = read_until(server_out, "cut off", 60);
    ck_assert_msg(strstr(got, "stopping at once (Terminated again): 1 request(s) in flight cut off"), "the server said: %s",
                  got);
    free(got);
    int status;
    ck_assert_int_eq(waitpid(server_pid, &status, 0), server_pid);
    clock_gettime(CLOCK_MONOTONIC, &ended);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server ended with %d", status);
    ck_assert_msg(ended.tv_sec - first.tv_sec < 30, "the server waited %ld s, the whole wait",
                  (long)(ended.tv_sec - first.tv_sec));
    got = read_until(flying, "HTTP/1.1", 5); /* closed, and never answered */
    ck_assert_msg(got[0] == '\0', "%s", got);
    free(got);
    close(flying);
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL));
    restart_server(); /* for the teardown's stop */
}
END_TEST

Suite *make_serveforms_suite(void)
{
    Suite *s = suite_create("serveforms");
    TCase *tc = tcase_create("forms");
    tcase_set_timeout(tc, 900); /* argon2id and a server under valgrind */
    tcase_add_checked_fixture(tc, serve_setup, serve_teardown);
    tcase_add_test(tc, a_new_household_is_stored_with_an_id_and_read_back);
    tcase_add_test(tc, a_retried_submission_is_stored_once);
    tcase_add_test(tc, enumerators_creating_households_at_once_get_different_ids);
    tcase_add_test(tc, a_held_address_is_refused_unless_a_supervisor_overrides);
    tcase_add_test(tc, an_enumerator_given_a_building_works_in_it_alone);
    tcase_add_test(tc, an_invalid_form_is_refused_with_its_diagnostics);
    tcase_add_test(tc, a_visit_goes_to_the_log_and_leaves_the_form);
    tcase_add_test(tc, a_door_found_shut_then_the_form_completed_owes_no_revisit);
    tcase_add_test(tc, bad_bodies_store_nothing);
    tcase_add_test(tc, a_form_is_returned_changed_and_approved);
    tcase_add_test(tc, the_dashboard_counts_the_grids_work);
    tcase_add_test(tc, slow_clients_and_header_floods_do_not_stop_the_server);
    tcase_add_test(tc, one_address_may_hold_half_the_connections);
    tcase_add_test(tc, a_form_sent_as_json_is_stored_as_its_xml_would_be);
    tcase_add_test(tc, a_stopped_server_answers_what_it_stored);
    tcase_add_test(tc, a_stopping_server_lands_the_requests_in_flight_and_takes_no_new_one);
    tcase_add_test(tc, a_second_stop_signal_cuts_the_wait_short);
    suite_add_tcase(s, tc);
    /* the crash test: in make check and under the sanitizers, not valgrind */
    TCase *crash = tcase_create("crash");
    tcase_set_tags(crash, TU_SLOW);
    tcase_set_timeout(crash, 900);
    tcase_add_checked_fixture(crash, serve_setup, serve_teardown);
    tcase_add_test(crash, a_killed_server_keeps_every_answered_submission);
    suite_add_tcase(s, crash);
    return s;
}
