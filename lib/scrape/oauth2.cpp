#include "scrape/oauth2.h"

#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "textparse/negotiate.h"
#include "util/strings.h"

namespace promkit::scrape {
namespace {

// url.ParseQuery, first value of each key, for form-encoded token responses.
std::map<std::string, std::string> ParseForm(std::string_view s) {
  auto unescape = [](std::string_view in) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '+') {
        out += ' ';
      } else if (in[i] == '%' && i + 2 < in.size() &&
                 std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
        out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += in[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view part = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    size_t eq = part.find('=');
    std::string key = unescape(part.substr(0, eq));
    std::string val = eq == std::string_view::npos ? "" : unescape(part.substr(eq + 1));
    out.try_emplace(std::move(key), std::move(val));
  }
  return out;
}

struct Token {
  std::string type, access;
  std::chrono::steady_clock::time_point expiry;  // max(): none
};

// oauth2.Token.Type: the canonical spelling of the common types, "Bearer" when unset.
std::string CanonicalType(std::string_view t) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string l = lower(t);
  if (l == "bearer" || l.empty()) return "Bearer";
  if (l == "mac") return "MAC";
  if (l == "basic") return "Basic";
  return std::string(t);
}

// One token request; `in_header`: client credentials as basic auth, else in the form.
util::Result<Token> RequestToken(const OAuth2Options& o, bool in_header,
                                 const std::string& user_agent, int64_t timeout_ns) {
  std::map<std::string, std::string> form = {{"grant_type", "client_credentials"}};
  if (!o.scopes.empty()) {
    std::string scope;
    for (const std::string& s : o.scopes) scope += (scope.empty() ? "" : " ") + s;
    form["scope"] = scope;
  }
  for (const auto& [k, v] : o.endpoint_params) {
    if (form.count(k) != 0 && k != "grant_type") {
      return util::Status::InvalidArgument(
          fmt::format("oauth2: cannot overwrite parameter \"{}\"", k));
    }
    form[k] = v;
  }
  FetchOptions req;
  req.url = o.token_url;
  req.method = "POST";
  req.request_content_type = "application/x-www-form-urlencoded";
  req.accept = "application/json";
  req.any_status = true;
  req.scrape_timeout_header = false;
  req.user_agent = user_agent;
  req.timeout_ns = timeout_ns;
  req.tls = o.tls;
  req.proxy = o.proxy;
  if (in_header) {
    req.has_basic_auth = true;
    req.basic_auth_user = util::UrlQueryEscape(o.client_id);
    req.basic_auth_password = util::UrlQueryEscape(o.client_secret);
  } else {
    form["client_id"] = o.client_id;
    if (!o.client_secret.empty()) form["client_secret"] = o.client_secret;
  }
  req.request_body = util::UrlValuesEncode({form.begin(), form.end()});
  PROMKIT_ASSIGN_OR_RETURN(FetchResponse resp, Fetch(req));

  std::map<std::string, std::string> fields;
  bool parsed = true;
  auto media = textparse::ParseMediaType(resp.content_type);
  const std::string mt = media.ok() ? media->type : "";
  if (mt == "application/x-www-form-urlencoded" || mt == "text/plain") {
    fields = ParseForm(resp.body);
  } else {
    nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      for (const char* k : {"access_token", "token_type", "error", "error_description", "error_uri",
                            "expires_in"}) {
        auto it = j.find(k);
        if (it == j.end()) continue;
        if (it->is_string()) fields[k] = it->get<std::string>();
        if (it->is_number()) fields[k] = std::to_string(it->get<int64_t>());
      }
    } else {
      parsed = false;
    }
  }
  if (resp.status_code < 200 || resp.status_code > 299) {
    if (parsed && !fields["error"].empty()) {
      std::string msg = fmt::format("oauth2: \"{}\"", fields["error"]);
      if (!fields["error_description"].empty()) {
        msg += fmt::format(" \"{}\"", fields["error_description"]);
      }
      if (!fields["error_uri"].empty()) msg += fmt::format(" \"{}\"", fields["error_uri"]);
      return util::Status::IoError(msg);
    }
    return util::Status::IoError(
        fmt::format("oauth2: cannot fetch token: {}\nResponse: {}", resp.status, resp.body));
  }
  if (!parsed) {
    return util::Status::IoError("oauth2: cannot parse json: invalid token response");
  }
  if (fields["access_token"].empty()) {
    return util::Status::IoError("oauth2: server response missing access_token");
  }
  Token t{CanonicalType(fields["token_type"]), fields["access_token"],
          std::chrono::steady_clock::time_point::max()};
  if (const std::string& e = fields["expires_in"]; !e.empty() && e != "0") {
    t.expiry = std::chrono::steady_clock::now() + std::chrono::seconds(std::stoll(e));
  }
  return t;
}

}  // namespace

util::Result<std::string> OAuth2Authorization(const OAuth2Options& o, const std::string& user_agent,
                                              int64_t timeout_ns) {
  static std::mutex mu;
  static std::map<std::string, Token>* cache = new std::map<std::string, Token>();
  std::string key = o.token_url + '\n' + o.client_id + '\n' + o.client_secret;
  for (const std::string& s : o.scopes) key += '\n' + s;
  for (const auto& [k, v] : o.endpoint_params) key += '\n' + k + '=' + v;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(key);
    // x/oauth2's expiryDelta: a token is renewed 10s before it expires.
    if (it != cache->end() &&
        (it->second.expiry == std::chrono::steady_clock::time_point::max() ||
         std::chrono::steady_clock::now() + std::chrono::seconds(10) < it->second.expiry)) {
      return it->second.type + " " + it->second.access;
    }
  }
  util::Result<Token> t = RequestToken(o, /*in_header=*/true, user_agent, timeout_ns);
  if (!t.ok()) t = RequestToken(o, /*in_header=*/false, user_agent, timeout_ns);
  if (!t.ok()) return t.status();
  std::lock_guard<std::mutex> lock(mu);
  (*cache)[key] = *t;
  return t->type + " " + t->access;
}

}  // namespace promkit::scrape
