#pragma once
// Upstream's Parser.ParseMetric, which promtool's rule unit tests read exp_samples labels with.
// Kept out of parser.h so that its many includers need not rebuild for it; implemented in
// parser.cpp with the rest of the parser.
// Thread-safety: reentrant.

#include <string_view>

#include "model/labels.h"
#include "promql/parser/parser.h"
#include "util/status.h"

namespace promkit::promql::parser {

// Parses `name`, `name{a="b"}` or `{a="b"}`; an empty input is the empty set. With a name,
// labels with empty values are dropped (upstream builds the set with a labels.Builder). Errors
// as ParseExpr's ("1:5: parse error: unexpected number \"1\"").
util::Result<model::Labels> ParseMetric(std::string_view input, ParseErrors* errors = nullptr);

}  // namespace promkit::promql::parser
