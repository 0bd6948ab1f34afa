#pragma once
// Go's regexp/syntax error texts for RE2's error codes, so every place that compiles a
// user-supplied regex (matchers, relabel configs, template reReplaceAll/match) words a bad one
// as Prometheus does: `error parsing regexp: <text>: `<expr>``.

#include <string_view>

namespace promkit::model {

// `re2_error_code` is an RE2::ErrorCode (passed as int to keep RE2 out of this header).
std::string_view GoRegexpErrorText(int re2_error_code);

}  // namespace promkit::model
