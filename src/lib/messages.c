/* messages.c — the catalogue of built-in messages, English and Chinese, for problems
 * that hhreg finds in code rather than through the rules file: unreadable or
 * hostile input, structural (XSD) errors by class, and refusals by the store.
 * Each entry is a printf format; both languages take the same arguments (the
 * Chinese may take them in another order, as %1$s). An id is a rule id or, where a
 * rule is told in more than one way, the rule id with a suffix (XSD-RANGE-MAX). */
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
    /* XML-PARSE: the parser's error told by its kind (xml_errors.c), never by libxml2's
     * text, which quotes the bytes, comments and text it stopped at. Each takes
     * (element name, line) or a prefix of them. */
    { "XML-PARSE", "not well-formed XML (libxml2 error %d)", "不是格式正确的 XML（libxml2 错误 %d）" },
    { "XML-PARSE-ANY", "not well-formed XML", "不是格式正确的 XML" },
    { "XML-PARSE-TAG", "not well-formed XML: an end tag does not match the start tag <%s> of line %d",
      "不是格式正确的 XML：结束标记与第 %2$d 行的开始标记 <%1$s> 不匹配" },
    { "XML-PARSE-UNCLOSED", "not well-formed XML: the element <%s> opened on line %d is not closed",
      "不是格式正确的 XML：第 %2$d 行开始的元素 <%1$s> 没有结束" },
    { "XML-PARSE-START-TAG", "not well-formed XML: the start tag <%s> of line %d is not closed with '>'",
      "不是格式正确的 XML：第 %2$d 行的开始标记 <%1$s> 没有以“>”结束" },
    { "XML-PARSE-CHAR",
      "not well-formed XML: bytes that are not UTF-8, or a character that XML does not allow",
      "不是格式正确的 XML：含有非 UTF-8 字节或 XML 不允许的字符" },
    { "XML-PARSE-CHARREF", "not well-formed XML: a character reference (&#...;) that is not valid",
      "不是格式正确的 XML：无效的字符引用（&#...;）" },
    { "XML-PARSE-ENTITY",
      "not well-formed XML: an entity that is not defined (only &amp; &lt; &gt; &quot; &apos; are)",
      "不是格式正确的 XML：未定义的实体（只能使用 &amp; &lt; &gt; &quot; &apos;）" },
    { "XML-PARSE-AMP", "not well-formed XML: an '&' that does not start an entity; write &amp;",
      "不是格式正确的 XML：“&”后不是实体引用；请写作 &amp;" },
    { "XML-PARSE-ATTRIBUTE", "not well-formed XML: an attribute without a quoted value, or with '<' in it",
      "不是格式正确的 XML：属性值没有用引号括起，或含有“<”" },
    { "XML-PARSE-ATTRIBUTE-TWICE", "not well-formed XML: an attribute given twice in one element",
      "不是格式正确的 XML：同一元素中的属性重复出现" },
    { "XML-PARSE-COMMENT", "not well-formed XML: a comment, CDATA section or processing instruction that is not closed",
      "不是格式正确的 XML：注释、CDATA 段或处理指令没有结束" },
    { "XML-PARSE-NAME", "not well-formed XML: a tag without a valid name, or a name too long",
      "不是格式正确的 XML：标记没有有效名称，或名称过长" },
    { "XML-PARSE-NAMESPACE", "not well-formed XML: a namespace prefix that is not declared",
      "不是格式正确的 XML：命名空间前缀未声明" },
    { "XML-PARSE-EXTRA", "not well-formed XML: content after the end of the document",
      "不是格式正确的 XML：文档结束后还有内容" },
    { "XML-PARSE-START", "not well-formed XML: the document does not start with an element",
      "不是格式正确的 XML：文档不是以元素开头" },
    { "XML-PARSE-DECLARATION", "not well-formed XML: the XML declaration is malformed or not at the start",
      "不是格式正确的 XML：XML 声明格式错误或不在开头" },
    { "XML-PARSE-LIMIT", "not well-formed XML: the parser's limits were reached (nesting too deep, or too large)",
      "不是格式正确的 XML：超出解析器限制（嵌套过深或内容过大）" },
    { "XML-ROOT",
      "the root element is '%s'; a form is a 'household' element (or a batch of them under "
      "'households') in namespace urn:hhreg:household:1",
      "根元素为“%s”；表单应为命名空间 urn:hhreg:household:1 中的 household 元素（或 households 下的一批）" },
    { "XML-NOT-READ", "households after line %ld were not read because of the error at line %ld",
      "第 %ld 行之后的户未读取，原因是第 %ld 行的错误" },
    { "XML-SKIPPED", "%ld more elements that are not households were skipped, the last at this line",
      "另有 %ld 个非 household 元素被跳过，最后一个在此行" },
    { "XML-XSI", "a form may not name a schema (xsi:%s); only the installed schema counts",
      "表单不得自行指定模式（xsi:%s）；只使用已安装的模式" },
    /* XSD-*: the schema's verdict told by its kind (xml_errors.c), with what the schema
     * expects — a pattern, a code list, a bound, a type — and never the value found. */
    { "XSD-CONTENT", "does not match the structure of the form (libxml2 schema error %d)",
      "不符合表单结构（libxml2 模式错误 %d）" },
    { "XSD-CONTENT-UNEXPECTED", "this item is not expected here; expected: %s",
      "此处不应出现此项；应为：%s" },
    { "XSD-CONTENT-UNEXPECTED-ANY", "this item is not expected here", "此处不应出现此项" },
    { "XSD-CONTENT-MISSING", "an item is missing here; expected: %s", "此处缺少项目；应为：%s" },
    { "XSD-CONTENT-TEXT", "this item holds no text, only the items inside it", "此项不能包含文本，只能包含下级项目" },
    { "XSD-CONTENT-EMPTY", "this item holds no text and no items, only attributes", "此项不能包含文本或下级项目，只能有属性" },
    { "XSD-CONTENT-SIMPLE", "this item holds text only, no items inside it", "此项只能包含文本，不能包含下级项目" },
    { "XSD-CODE", "is not a code of its code list (%s)", "不是代码表中的代码（%s）" },
    { "XSD-CODE-ANY", "is not a code of its code list", "不是代码表中的代码" },
    { "XSD-PATTERN-ANY", "does not have the form required here", "格式不符合要求" },
    { "XSD-TYPE-ANY", "is not a valid value of its type", "不是有效的值" },
    { "XSD-ATTRIBUTE-MISSING-ANY", "a required attribute is missing", "缺少必需的属性" },
    { "XSD-STRUCTURE-ANY", "the form does not match the schema", "表单不符合模式" },
    { "XSD-PATTERN", "does not have the form required here (the pattern %s)", "格式不符合要求（应符合模式 %s）" },
    { "XSD-TYPE", "is not a valid value of type %s", "不是 %s 类型的有效值" },
    { "XSD-TYPE-date", "is not a valid date written YYYY-MM-DD", "不是有效的 YYYY-MM-DD 格式日期" },
    { "XSD-TYPE-gYearMonth", "is not a valid month written YYYY-MM", "不是有效的 YYYY-MM 格式年月" },
    { "XSD-TYPE-boolean", "is not true or false", "不是 true 或 false" },
    { "XSD-TYPE-positiveInteger", "is not a whole number from 1 up", "不是正整数" },
    { "XSD-TYPE-nonNegativeInteger", "is not a whole number from 0 up", "不是非负整数" },
    { "XSD-TYPE-integer", "is not a whole number", "不是整数" },
    { "XSD-TYPE-decimal", "is not a number (digits with an optional decimal point)", "不是数字（数字，可带小数点）" },
    { "XSD-DIGITS-FRACTION", "has more than %s digits after the decimal point", "小数点后超过 %s 位" },
    { "XSD-DIGITS-TOTAL", "has more than %s digits", "超过 %s 位数字" },
    { "XSD-RANGE", "is outside the range allowed here", "超出允许范围" },
    { "XSD-RANGE-MIN", "is less than the minimum of %s", "小于最小值 %s" },
    { "XSD-RANGE-MAX", "is more than the maximum of %s", "大于最大值 %s" },
    { "XSD-RANGE-MIN-EXCLUSIVE", "must be more than %s", "必须大于 %s" },
    { "XSD-RANGE-MAX-EXCLUSIVE", "must be less than %s", "必须小于 %s" },
    { "XSD-LENGTH", "must have a length of %s", "长度必须为 %s" },
    { "XSD-LENGTH-MIN", "is shorter than the minimum length of %s", "短于最小长度 %s" },
    { "XSD-LENGTH-MAX", "is longer than the maximum length of %s", "超过最大长度 %s" },
    { "XSD-LENGTH-ANY", "does not have the length required here", "长度不符合要求" },
    { "XSD-ATTRIBUTE", "this attribute is not allowed here", "此处不允许此属性" },
    { "XSD-ATTRIBUTE-MISSING", "the required attribute '%s' is missing", "缺少必需的属性“%s”" },
    { "XSD-ROOT", "this element is not a form of urn:hhreg:household:1", "此元素不是 urn:hhreg:household:1 的表单" },
    { "XSD-STRUCTURE", "does not match the structure of the form (libxml2 schema error %d)",
      "不符合表单结构（libxml2 模式错误 %d）" },
    { "RULES-BUDGET",
      "checking this form against the consistency rules took more than %lu XPath steps, the limit for one "
      "form (HHREG_RULE_BUDGET); the checks were stopped and the form is refused",
      "按一致性规则检查此表单超过了每份表单 %lu 步 XPath 运算的上限（HHREG_RULE_BUDGET）；检查已中止，表单被拒绝" },
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
