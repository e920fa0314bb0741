/* messages.c — the catalogue of built-in messages, English and Chinese, for problems
 * that hhreg finds in code rather than through the rules file: unreadable or
 * hostile input, structural (XSD) errors by class, and refusals by the store.
 * Each entry is a printf format; both languages take the same arguments. */
#include "diag.h"

#include <string.h>

static const struct {
    const char *id, *en, *zh;
} catalogue[] = {
    { "XML-READ", "cannot read the file: %s", "无法读取文件：%s" },
    { "XML-EMPTY", "the file is empty", "文件为空" },
    { "XML-SIZE", "a form may not exceed %d MiB; this one is larger and was not read further",
      "单份表单不得超过 %d MiB；此表单超出限制，未继续读取" },
    { "XML-DOCTYPE",
      "a document type declaration (DOCTYPE) is not accepted in a form: it can define entities "
      "that expand without bound or read other files",
      "表单中不接受文档类型声明（DOCTYPE）：它可以定义无限展开或读取其他文件的实体" },
    { "XML-ENCODING", "a form must be encoded in UTF-8; this one is %s",
      "表单必须采用 UTF-8 编码；此文件为 %s" },
    { "XML-ATTRS", "an element has more than %d attributes", "某个元素的属性超过 %d 个" },
    { "XML-NOT-XML",
      "this is not an XML document (it does not start with '<'); a PDF, a compressed or another binary file perhaps",
      "这不是 XML 文档（开头不是“<”），可能是 PDF、压缩文件或其他二进制文件" },
    { "XML-TRUNCATED", "the form ends before it is complete: the file was cut off",
      "表单不完整：文件在结尾之前被截断" },
    { "XML-PARSE", "not well-formed XML: %s", "不是格式正确的 XML：%s" },
    { "XML-ROOT",
      "the root element is '%s'; a form is a 'household' element (or a batch of them under "
      "'households') in namespace urn:hhreg:household:1",
      "根元素为“%s”；表单应为命名空间 urn:hhreg:household:1 中的 household 元素（或 households 下的一批）" },
    { "XML-XSI", "a form may not name a schema (xsi:%s); only the installed schema counts",
      "表单不得自行指定模式（xsi:%s）；只使用已安装的模式" },
    { "XSD-CONTENT", "%s", "内容不符合表单结构：%s" },
    { "XSD-CODE", "%s", "取值不在代码表中：%s" },
    { "XSD-PATTERN", "%s", "格式不正确：%s" },
    { "XSD-TYPE", "%s", "数据类型不正确：%s" },
    { "XSD-RANGE", "%s", "数值超出允许范围：%s" },
    { "XSD-LENGTH", "%s", "长度不符合要求：%s" },
    { "XSD-ATTRIBUTE", "%s", "属性不符合表单结构：%s" },
    { "XSD-ROOT", "%s", "根元素不是表单：%s" },
    { "XSD-STRUCTURE", "%s", "结构错误：%s" },
    { "STORE-ID-DUP", "document number already held by household %s (person %d)",
      "证件号码已登记在户 %s（第 %d 人）" },
    /* STORE-ID-DUP for someone not allowed to see the holding household */
    { "STORE-ID-DUP-HIDDEN", "document number already held by another household", "证件号码已登记在其他户" },
    { "STORE-OLDER",
      "household %s: this form equals its revision %d, older than the current revision %d; it was not made "
      "current (an old delivery? import it with --allow-older to store it again as a new revision)",
      "户 %s：此表与其第 %d 版相同，早于当前的第 %d 版；未设为当前版本（可能是旧的交付件；"
      "如确需恢复，请用 --allow-older 导入，另存为新版本）" },
    { "STORE-CONFLICT", "household %s was changed (revision %d, stored by %s at %s) after this edit started from revision %d",
      "户 %s 已被修改（第 %d 版，由 %s 于 %s 保存），晚于本次修改所依据的第 %d 版" },
    { "STORE-DELETED", "household %s was deleted on %s and cannot be stored again",
      "户 %s 已于 %s 删除，不能再次保存" },
    { "STORE-REPEAT", "household %s appears again in this import (first at %s); this copy was refused",
      "户 %s 在本次导入中重复出现（首次在 %s）；此副本未导入" },
    { "STORE-FAIL", "the form could not be stored: %s", "表单未能保存：%s" },
    { "STRICT-ABORT", "--strict: nothing was stored because %zu form(s) were refused",
      "--strict：由于有 %zu 份表单被拒绝，未保存任何内容" },
};

int hh_message_lookup(const char *id, const char **en, const char **zh)
{
    for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++) {
        if (strcmp(catalogue[i].id, id) == 0) {
            *en = catalogue[i].en;
            *zh = catalogue[i].zh;
            return 1;
        }
    }
    return 0;
}
