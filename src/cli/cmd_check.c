/* cmd_check.c — `hhreg check`: SQLite integrity, signs of damage or tampering (see
 * store_check.h), every current form re-validated against the installed schemas, and
 * what the store holds. Exit 1 on any problem. */
#include <string.h>

#include "store_check.h"
#include "cli.h"

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    (void)arg;
    if (opt == 'j')
        *(bool *)st = true;
    return 0;
}

int cmd_check(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("check");
    static const struct option own[] = { { "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 } };
    bool json = false;
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    int rest, rc = cli_parse(c, cmd, &spec, &json, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_schemaset *set = cli_load_schemas(c, cmd);
    if (!set)
        return EXIT_USAGE;
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s) {
        hh_schemaset_free(set);
        return EXIT_USAGE;
    }
    hh_diags d;
    hh_diags_init(&d);
    hh_check_report r;
    hh_buf err;
    hh_buf_init(&err);
    rc = hh_store_check(s, set, &d, &r, &err);
    bool ok = rc == 0 && d.errors == 0;
    if (json) {
        hh_buf out;
        hh_buf_init(&out);
        hh_json j;
        hh_json_init(&j, &out);
        hh_json_object(&j, NULL);
        hh_json_bool(&j, "ok", ok);
        const struct { const char *key; long value; } counts[] = {
            { "households", r.households }, { "deleted", r.deleted }, { "revisions", r.revisions },
            { "persons", r.persons }, { "visits", r.visits }, { "warnings", r.warnings },
            { "auditEntries", r.audit_entries }, { "integrityProblems", r.integrity_problems },
            { "invalidForms", r.invalid_forms }, { "damagedRevisions", r.damaged_revisions },
            { "alterations", r.alterations }, { "modeProblems", r.mode_problems },
        };
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
            hh_json_int(&j, counts[i].key, counts[i].value);
        hh_json_array(&j, "problems");
        for (size_t i = 0; i < d.n; i++)
            hh_diag_json(&j, &d.items[i], c->lang);
        hh_json_end(&j);
        hh_json_end(&j);
        printf("%s\n", out.data);
        hh_buf_free(&out);
    } else {
        for (size_t i = 0; i < d.n; i++)
            hh_diag_print(stdout, &d.items[i], c->lang);
        bool zh = c->lang == HH_LANG_ZH;
        if (rc == 0 && !r.integrity_problems)
            printf(zh ? "%s：%ld 户（%ld 户已删除），%ld 个版本，%ld 人，%ld 次走访，%ld 条保留的警告，%ld 条审计记录\n"
                      : "%s: %ld household(s) (%ld deleted), %ld revision(s), %ld person(s), %ld visit(s), "
                        "%ld kept warning(s), %ld audit entries\n",
                   c->db_path, r.households, r.deleted, r.revisions, r.persons, r.visits, r.warnings,
                   r.audit_entries);
        printf(zh ? "%s：%s\n" : "%s: %s\n", c->db_path,
               ok                     ? hh_text(c->lang, "ok", "正常")
               : r.integrity_problems ? hh_text(c->lang, "INTEGRITY CHECK FAILED (nothing was repaired)",
                                          "完整性检查失败（未作任何修复）")
               : r.alterations        ? hh_text(c->lang, "the store was damaged or altered outside hhreg (see above; nothing was repaired)",
                                          "存储库已损坏或在 hhreg 之外被改动（见上；未作任何修复）")
               : r.mode_problems      ? hh_text(c->lang, "the store file is not private (see above)", "存储库文件不是私有的（见上）")
                                      : hh_text(c->lang, "some stored forms are not valid under the installed schemas",
                                          "部分已存表单不符合已安装的模式"));
    }
    if (rc)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&err);
    hh_diags_free(&d);
    hh_store_close(s);
    hh_schemaset_free(set);
    return rc ? EXIT_USAGE : ok ? EXIT_OK : EXIT_PROBLEMS;
}
