#include "testutil/tsv.h"

#include <fstream>
#include <sstream>

namespace promkit::testutil {
namespace {

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

}  // namespace

std::string UnescapeTsvField(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x':
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
        break;
      default:  // nothing else is escaped
        out += '\\';
        out += c;
    }
  }
  return out;
}

std::vector<TsvRow> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<TsvRow> rows;
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    if (header.empty()) {
      header = Split(line);
      continue;
    }
    std::vector<std::string> fields = Split(line);
    TsvRow row;
    for (size_t i = 0; i < header.size(); ++i) {
      row[header[i]] = i < fields.size() ? UnescapeTsvField(fields[i]) : "";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace promkit::testutil
