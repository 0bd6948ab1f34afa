#pragma once
// Alertmanager's notification templates (upstream template/template.go): its function set over
// lib/template's Go text/template engine, and loading template files as template.FromGlobs does
// (upstream's embedded defaults first, then every file each glob matches; a glob matching nothing
// is fine).
// Thread-safety: functions are stateless; a loaded template set is immutable.

#include <string>
#include <vector>

#include "template/template.h"
#include "util/status.h"

namespace promkit::alertmanager {

// toUpper, toLower, title, trimSpace, join, match, safeHtml, safeUrl, urlUnescape, reReplaceAll,
// stringSlice, routeLabels, date, tz, now, since, humanizeDuration, toDate, mustToDate, toJson,
// base64encode, base64decode, list, append, dict.
tmpl::FuncMap TemplateFuncs();

// Parses the template files `globs` match, each under its base name as Go's ParseGlob names
// them, as upstream's FromGlobs does when Alertmanager or amtool check-config loads a config.
// Errors in Go's words: "template: x.tmpl:3: unexpected \"}\" in operand".
util::Status CheckTemplateGlobs(const std::vector<std::string>& globs);

}  // namespace promkit::alertmanager
