#include "discovery/http.h"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

#include "scrape/fetch.h"
#include "scrape/http_config.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::discovery {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool IsJsonContentType(std::string_view content_type) {
  std::string ct = Lower(util::TrimSpace(content_type));
  std::string_view rest = ct;
  constexpr std::string_view kType = "application/json";
  if (rest.substr(0, kType.size()) != kType) return false;
  rest.remove_prefix(kType.size());
  if (rest.empty()) return true;
  if (rest[0] != ';') return false;
  rest.remove_prefix(1);
  // \s* in Go's RE2: space, \t, \n, \f, \r.
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' ||
                           rest[0] == '\f' || rest[0] == '\r')) {
    rest.remove_prefix(1);
  }
  return rest == "charset=utf-8" || rest == "charset=\"utf-8\"";
}

util::Result<std::vector<TargetGroup>> HttpDiscovery::Refresh(int64_t timeout_ms) {
  scrape::FetchOptions opts;
  PROMKIT_RETURN_IF_ERROR(scrape::ApplyHttpClientConfig(cfg_.http, opts));
  opts.url = cfg_.url;
  int64_t ms = std::min(cfg_.refresh_interval_ms, timeout_ms);
  opts.timeout_ns = std::max<int64_t>(ms, 1) * 1'000'000;
  opts.accept = "application/json";
  opts.enable_compression = true;
  opts.scrape_timeout_header = false;
  opts.headers.emplace_back(
      "X-Prometheus-Refresh-Interval-Seconds",
      util::FormatFloat(static_cast<double>(cfg_.refresh_interval_ms) / 1000.0, 'f'));
  PROMKIT_ASSIGN_OR_RETURN(scrape::FetchResponse resp, scrape::Fetch(opts));
  if (!IsJsonContentType(resp.content_type)) {
    return util::Status::InvalidArgument(
        fmt::format("unsupported content type {}", util::GoQuote(resp.content_type)));
  }
  PROMKIT_ASSIGN_OR_RETURN(std::vector<TargetGroup> groups, ParseTargetGroupsJson(resp.body));
  for (size_t i = 0; i < groups.size(); ++i) {
    groups[i].source = fmt::format("{}:{}", cfg_.url, i);
    groups[i].labels[std::string(kUrlLabel)] = cfg_.url;
  }
  size_t n = groups.size();
  for (size_t i = n; i < last_length_; ++i) {
    groups.push_back(TargetGroup{{}, {}, fmt::format("{}:{}", cfg_.url, i)});
  }
  last_length_ = n;
  return groups;
}

}  // namespace promkit::discovery
