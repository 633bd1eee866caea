// Masking what looks like a secret in text copied from a configuration export into a report.
//
// Exports carry password hashes, SNMP communities and pre-shared keys. Reports quote only the
// rule that decides a finding, but a rule's description or an unknown construct may still hold
// one, and a report travels further than the export (change boards, CI logs, a shared server).
#pragma once

#include <string>
#include <string_view>

namespace flowgap::report {

// `text` with the value of every secret-looking field replaced by "********": XML elements and
// attributes (`<phash>...</phash>`, `password="..."`), `key=value` and `key: value` pairs, and
// PAN-OS `set` words (`... pre-shared-key key VALUE`). Field names are matched without case:
// password, passwd, pwd, passphrase, phash, secret, community, pre-shared-key, psk, private-key,
// privacy-key, auth-key, authkey, api-key, apikey, token, and `key` itself in XML and `=` forms.
std::string mask_secrets(std::string_view text);

}  // namespace flowgap::report
