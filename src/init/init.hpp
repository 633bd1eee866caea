// `flowgap init`: a first deployment file drafted from the exports (analysis/draft.hpp), written
// as YAML with yaml-cpp's emitter. Every name that comes from an export is a double-quoted
// scalar or sits in a comment with its control characters escaped, so no rule or object name can
// change the file's structure. Where nothing was found the value is `TODO`, which the deployment
// loader refuses with a located error until someone fills it in.
#pragma once

#include <string>
#include <vector>

#include "analysis/draft.hpp"
#include "parsers/input.hpp"

namespace flowgap::init {

// The draft as a commented deployment file.
std::string write_draft(const analysis::Draft& draft);

// Drafts from files on disk. Each element of `firewalls` is the exports of one firewall (one
// file, or several of one host); `output` is where the draft will be written, so `config:`
// paths are relative to its folder. Throws analysis::InputError for unreadable exports.
std::string draft_files(const std::vector<std::vector<std::string>>& firewalls, const std::string& output);

// Drafts from uploaded exports (`flowgap serve`), one firewall per upload, each named as uploaded.
std::string draft_uploads(const std::vector<parsers::Input>& uploads);

// `flowgap init --example`: every key of docs/deployment.md, commented, with TODOs to fill.
const std::string& example();

// A printable form of text from an export for a YAML comment: control characters and
// backslashes written as escapes, invalid UTF-8 replaced; never a line break.
std::string comment_safe(std::string_view text);

}  // namespace flowgap::init
