#pragma once
// The shared conformance set's TSV tables (testdata/conformance/*/…tsv): UTF-8, LF, a header
// row, TAB-separated; in fields `\\`, `\t`, `\n`, `\r` and `\xHH` stand for raw bytes.

#include <map>
#include <string>
#include <vector>

namespace promkit::testutil {

// A row: column name (from the header) -> unescaped field. Missing trailing fields are "".
using TsvRow = std::map<std::string, std::string>;

// The rows of the table at `path`; none when it cannot be read.
std::vector<TsvRow> ReadTsv(const std::string& path);

// Undoes the TSV field escapes.
std::string UnescapeTsvField(const std::string& s);

}  // namespace promkit::testutil
