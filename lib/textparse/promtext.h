#pragma once
// The Prometheus text exposition format 0.0.4 (Content-Type text/plain; version=0.0.4), parsed
// as upstream Prometheus 3.x's model/textparse PromParser does: the same tokens, the same
// leniencies (trailing commas, blanks between label terms, NUL bytes inside label values and
// help text) and the same error texts, so scrape errors read as upstream's.
//
// Format (upstream docs/instrumenting/exposition_formats.md), one entry per line:
//   # HELP <name> <text>          text escapes: \\ and \n
//   # TYPE <name> <type>          counter|gauge|histogram|summary|untyped
//   # <anything else>             a comment
//   <name>[{<l>="<v>",...}] <value> [<timestamp ms>]
//   {"<utf8 name>",<l>="<v>",...} <value> [<timestamp ms>]   (3.x quoted names)
// Label values escape \\, \" and \n; names may be quoted ("a.b"="c") in 3.x.
//
// Ownership: the parser views `input`, which the caller keeps alive and unchanged for the
// parser's lifetime. Entries are zero-copy views; Labels() allocates the returned Labels only.
// Thread-safety: none (one parser per thread).

#include <memory>
#include <string_view>

#include "textparse/parser.h"

namespace promkit::textparse {

struct PromTextOptions {
  // Upstream's `type-and-unit-labels` feature: Labels() also carries __type__ (from the most
  // recent TYPE line, unless unknown) and drops a __type__ the series spells itself.
  bool type_and_unit_labels = false;
};

std::unique_ptr<Parser> NewPromTextParser(std::string_view input, const PromTextOptions& opts = {});

}  // namespace promkit::textparse
