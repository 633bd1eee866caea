#include <catch2/catch.hpp>

#include "src/report/redact.hpp"

using flowgap::report::mask_secrets;

TEST_CASE("mask_secrets hides the values of secret-looking fields", "[redact]") {
    // PAN-OS XML, as an unknown construct or a description might carry it.
    CHECK(mask_secrets("<entry name=\"admin\"><phash>$1$abc$xyz</phash></entry>") ==
          "<entry name=\"admin\"><phash>********</phash></entry>");
    CHECK(mask_secrets("<pre-shared-key><key>-AQ==hash</key></pre-shared-key>") ==
          "<pre-shared-key><key>********</key></pre-shared-key>");
    CHECK(mask_secrets("<user password=\"hunter2\" name=\"x\"/>") ==
          "<user password=\"********\" name=\"x\"/>");
    // PAN-OS set commands.
    CHECK(mask_secrets("set network ike gateway gw authentication pre-shared-key key -AQ==abc") ==
          "set network ike gateway gw authentication pre-shared-key key ********");
    CHECK(
        mask_secrets("set deviceconfig system snmp-setting access-setting version v2c snmp-community-string "
                     "pub1ic") ==
        "set deviceconfig system snmp-setting access-setting version v2c snmp-community-string ********");
    // key=value and key: value, quoted or not.
    CHECK(mask_secrets("-m comment --comment \"db password=s3cret\"") ==
          "-m comment --comment \"db password=********\"");
    CHECK(mask_secrets("Description: token: abc123; ok") == "Description: token: ********; ok");
    CHECK(mask_secrets("api-key='x y z'") == "api-key='********'");
}

TEST_CASE("mask_secrets leaves rule text without secrets alone", "[redact]") {
    for (const char* text : {
             "-A INPUT -p tcp -m tcp --dport 17472 -j ACCEPT",
             "<entry "
             "name=\"tanium\"><from><member>trust</member></from><service><member>tcp-17472</member></"
             "service></entry>",
             "Rule Name: Tanium Client\nDirection: In\nLocalPort: 17472",
             "set rulebase security rules tanium to untrust",
             "key exchange uses token ring",  // bare `key`/`token` words are not fields
             "</phash>",
         }) {
        CHECK(mask_secrets(text) == text);
    }
}
