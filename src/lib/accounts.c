/* accounts.c — account names, roles, grid codes, password hashes and session tokens
 * (accounts.h). Hashing and randomness are libsodium's: argon2id for passwords,
 * randombytes_buf for tokens, sodium_memcmp for comparisons. */
#include "accounts.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "digest.h"

static const struct {
    const char *name, *what;
} roles[] = {
#define HH_ROLE_ROW(id, name, what) { name, what },
    HH_ROLES(HH_ROLE_ROW)
#undef HH_ROLE_ROW
};

const char *hh_role_name(hh_role role)
{
    return role < HH_ROLE_COUNT ? roles[role].name : "?";
}

const char *hh_role_description(hh_role role)
{
    return role < HH_ROLE_COUNT ? roles[role].what : "?";
}

int hh_role_parse(const char *name)
{
    for (int r = 0; r < HH_ROLE_COUNT; r++)
        if (strcmp(name, roles[r].name) == 0)
            return r;
    return -1;
}

bool hh_account_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > 32 || !(name[0] >= 'a' && name[0] <= 'z'))
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static bool digits(const char *s, size_t n)
{
    return strspn(s, "0123456789") >= n;
}

/* A community code (n 12) or a grid code (n 15) in the first n bytes of `code`. */
static bool area_code(const char *code, size_t n)
{
    return (n == 12 && digits(code, 12)) || (n == 15 && digits(code, 12) && code[12] == '-' && digits(code + 13, 2));
}

/* A building as the schema's PlaceName takes it: 1 to 100 bytes of UTF-8, no
 * control character, no space at either end. */
static bool building_name(const char *b)
{
    size_t n = strlen(b);
    if (n < 1 || n > 100 || b[0] == ' ' || b[n - 1] == ' ')
        return false;
    for (const unsigned char *p = (const unsigned char *)b; *p;) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
        if (!len || (len == 2 && *p < 0xc2))
            return false;
        for (size_t k = 1; k < len; k++)
            if ((p[k] & 0xc0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

bool hh_building_code(const char *code)
{
    return strlen(code) > 16 && code[15] == '/' && area_code(code, 15) && building_name(code + 16);
}

bool hh_grid_code_valid(const char *code)
{
    return area_code(code, strlen(code)) || hh_building_code(code);
}

size_t hh_grid_code_area_len(const char *code)
{
    return hh_building_code(code) ? 15 : strlen(code);
}

const char *hh_role_grid_refusal(hh_role role, const char *code)
{
    if (role == HH_ROLE_STATISTICIAN || role == HH_ROLE_ADMIN)
        return hh_tr("a statistician or an admin is given no grid: they never see households",
                     "统计人员和管理员不分配网格：他们从不查看住户");
    if (role == HH_ROLE_SUPERVISOR && hh_building_code(code))
        return hh_tr("only an enumerator is given a single building; a supervisor works in grids or whole communities",
                     "只有普查员才分配单栋楼；网格长负责网格或整个社区");
    if (role == HH_ROLE_ENUMERATOR && !strchr(code, '-'))
        return hh_tr("only a supervisor is given a whole community; an enumerator works in grids (510105016003-03) or "
                     "buildings (510105016003-03/543)",
                     "只有网格长可分配整个社区；普查员只在网格（如 510105016003-03）或楼栋（如 510105016003-03/543）内工作");
    return NULL;
}

bool hh_grid_codes_overlap(const char *a, const char *b)
{
    return strcmp(a, b) == 0 || hh_grid_holds(a, b) || hh_grid_holds(b, a);
}

bool hh_grid_holds(const char *code, const char *household_id)
{
    size_t n = strlen(code);
    return area_code(code, n) && strncmp(code, household_id, n) == 0 &&
           (household_id[n] == '-' || household_id[n] == '/');
}

bool hh_assignment_holds(const char *code, const char *household_id, const char *building)
{
    if (!hh_building_code(code))
        return hh_grid_holds(code, household_id);
    return strncmp(code, household_id, 15) == 0 && household_id[15] == '-' && building &&
           strcmp(code + 16, building) == 0;
}

const char *hh_password_weakness(const char *password)
{
    size_t n = strlen(password);
    if (n < HH_PASSWORD_MIN)
        return hh_tr("a password needs at least 10 characters", "密码至少需要 10 个字符");
    if (n > HH_PASSWORD_MAX)
        return hh_tr("a password may have at most 1024 characters", "密码最多 1024 个字符");
    return NULL;
}

/* sodium_init is safe to call from several threads and more than once. */
static bool sodium_ready(void)
{
    return sodium_init() >= 0;
}

char *hh_password_hash(const char *password, hh_buf *err)
{
    char *hash = hh_xmalloc(crypto_pwhash_STRBYTES);
    if (!sodium_ready() || crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        hh_buf_puts(err, hh_tr("cannot hash the password (argon2id needs 64 MiB of memory)",
                               "无法计算密码哈希（argon2id 需要 64 MiB 内存）"));
        free(hash);
        return NULL;
    }
    return hash;
}

bool hh_password_verify(const char *hash, const char *password)
{
    return sodium_ready() && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* The hash an unknown name is checked against: of a random password, made once. */
static char nobody_hash[crypto_pwhash_STRBYTES];

static void make_nobody_hash(void)
{
    char token[HH_TOKEN_HEX];
    hh_token_new(token);
    /* without it, verifying against "" fails at once: only the time differs */
    if (!sodium_ready() || crypto_pwhash_str(nobody_hash, token, strlen(token), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        nobody_hash[0] = '\0';
}

void hh_password_verify_nobody(const char *password)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_nobody_hash);
    (void)hh_password_verify(nobody_hash, password);
}

void hh_token_new(char token[HH_TOKEN_HEX])
{
    unsigned char raw[32];
    if (!sodium_ready())
        abort(); /* no randomness at all: nothing safe can be done */
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, HH_TOKEN_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

void hh_token_hash(const char *token, char hash[HH_TOKEN_HEX])
{
    if (hh_sha256_hex(token, strlen(token), hash) != 0)
        hash[0] = '\0';
}

bool hh_token_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
