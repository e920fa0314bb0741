/* digest.c — see digest.h. */
#include "digest.h"

#include <openssl/evp.h>
#include <libxml/c14n.h>

int hh_form_digest(xmlDocPtr doc, char hex[65])
{
    xmlChar *c14n = NULL;
    int n = xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 0, &c14n);
    if (n < 0)
        return -1;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int ok = EVP_Digest(c14n, (size_t)n, md, &md_len, EVP_sha256(), NULL);
    xmlFree(c14n);
    if (!ok || md_len != 32)
        return -1;
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return 0;
}
