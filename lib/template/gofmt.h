#pragma once
// Go's fmt for template values: what the print, printf and println builtins produce, and the
// escapers html, js and urlquery. The common verbs are exact: %v %s %d %f %F %e %E %g %G %q %x
// %X %o %O %b (ints) %c %U %t %T %%, flags "+- #0", width and precision (also from '*'), and
// fmt's in-band errors (%!d(string=x), %!d(MISSING), %!(EXTRA int=1), %!(NOVERB),
// %!(BADWIDTH), %!(BADPREC)). Not supported: explicit argument indexes (%[2]d), %x/%b on floats
// (those print as bad verbs). Pure functions; thread-safe.

#include <span>
#include <string>
#include <string_view>

#include "template/value.h"

namespace promkit::tmpl {

// fmt.Sprintf(format, args...).
std::string GoSprintf(std::string_view format, std::span<const Value> args);
// fmt.Sprint(args...): spaces between operands when neither side is a string.
std::string GoSprint(std::span<const Value> args);
// fmt.Sprintln(args...): spaces between all operands and a trailing newline.
std::string GoSprintln(std::span<const Value> args);

// text/template.HTMLEscapeString: " ' & < > and NUL escaped.
std::string HtmlEscape(std::string_view s);
// text/template.JSEscapeString.
std::string JsEscape(std::string_view s);

}  // namespace promkit::tmpl
