#include "tsdb/meta.h"

#include <cctype>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "util/file.h"

namespace promkit::tsdb {
namespace {

using nlohmann::json;

// Reads an optional field, failing on a wrong type rather than throwing past the module.
template <typename T>
util::Status Field(const json& obj, const char* key, T& out, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return util::Status::Ok();
  try {
    out = it->get<T>();
  } catch (const json::exception& e) {
    return util::Status::Corruption(fmt::format("{}: field \"{}\": {}", path, key, e.what()));
  }
  return util::Status::Ok();
}

}  // namespace

util::Result<BlockMeta> ParseMeta(std::string_view text, const std::string& path) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return util::Status::Corruption(fmt::format("{}: {}", path, e.what()));
  }
  if (!j.is_object()) return util::Status::Corruption(fmt::format("{}: not a JSON object", path));
  BlockMeta m;
  PROMKIT_RETURN_IF_ERROR(Field(j, "ulid", m.ulid, path));
  PROMKIT_RETURN_IF_ERROR(Field(j, "minTime", m.min_time, path));
  PROMKIT_RETURN_IF_ERROR(Field(j, "maxTime", m.max_time, path));
  PROMKIT_RETURN_IF_ERROR(Field(j, "version", m.version, path));
  if (auto s = j.find("stats"); s != j.end() && s->is_object()) {
    PROMKIT_RETURN_IF_ERROR(Field(*s, "numSamples", m.stats.num_samples, path));
    PROMKIT_RETURN_IF_ERROR(Field(*s, "numFloatSamples", m.stats.num_float_samples, path));
    PROMKIT_RETURN_IF_ERROR(Field(*s, "numHistogramSamples", m.stats.num_histogram_samples, path));
    PROMKIT_RETURN_IF_ERROR(Field(*s, "numSeries", m.stats.num_series, path));
    PROMKIT_RETURN_IF_ERROR(Field(*s, "numChunks", m.stats.num_chunks, path));
    PROMKIT_RETURN_IF_ERROR(Field(*s, "numTombstones", m.stats.num_tombstones, path));
  }
  if (auto c = j.find("compaction"); c != j.end() && c->is_object()) {
    PROMKIT_RETURN_IF_ERROR(Field(*c, "level", m.compaction_level, path));
    PROMKIT_RETURN_IF_ERROR(Field(*c, "sources", m.compaction_sources, path));
    PROMKIT_RETURN_IF_ERROR(Field(*c, "failed", m.compaction_failed, path));
    PROMKIT_RETURN_IF_ERROR(Field(*c, "deletable", m.compaction_deletable, path));
    PROMKIT_RETURN_IF_ERROR(Field(*c, "hints", m.compaction_hints, path));
    if (auto p = c->find("parents"); p != c->end() && p->is_array()) {
      for (const json& e : *p) {
        if (!e.is_object()) continue;
        BlockDesc d;
        PROMKIT_RETURN_IF_ERROR(Field(e, "ulid", d.ulid, path));
        PROMKIT_RETURN_IF_ERROR(Field(e, "minTime", d.min_time, path));
        PROMKIT_RETURN_IF_ERROR(Field(e, "maxTime", d.max_time, path));
        m.compaction_parents.push_back(std::move(d));
      }
    }
  }
  if (m.version != 1) {
    return util::Status::Corruption(
        fmt::format("{}: unexpected meta file version {}", path, m.version));
  }
  if (!IsUlid(m.ulid)) {
    return util::Status::Corruption(fmt::format("{}: invalid ULID \"{}\"", path, m.ulid));
  }
  return m;
}

std::string EncodeMeta(const BlockMeta& m) {
  std::string s = "{\n";
  s += fmt::format("\t\"ulid\": \"{}\",\n\t\"minTime\": {},\n\t\"maxTime\": {},\n", m.ulid,
                   m.min_time, m.max_time);
  s += "\t\"stats\": {";
  std::vector<std::string> stats;
  auto stat = [&](const char* name, uint64_t v) {
    if (v != 0) stats.push_back(fmt::format("\n\t\t\"{}\": {}", name, v));
  };
  stat("numSamples", m.stats.num_samples);
  stat("numFloatSamples", m.stats.num_float_samples);
  stat("numHistogramSamples", m.stats.num_histogram_samples);
  stat("numSeries", m.stats.num_series);
  stat("numChunks", m.stats.num_chunks);
  stat("numTombstones", m.stats.num_tombstones);
  for (size_t i = 0; i < stats.size(); ++i) s += stats[i] + (i + 1 < stats.size() ? "," : "");
  s += stats.empty() ? "},\n" : "\n\t},\n";
  s += fmt::format("\t\"compaction\": {{\n\t\t\"level\": {}", m.compaction_level);
  auto strings = [&s](const char* name, const std::vector<std::string>& v) {
    if (v.empty()) return;
    s += fmt::format(",\n\t\t\"{}\": [", name);
    for (size_t i = 0; i < v.size(); ++i) {
      s += fmt::format("\n\t\t\t\"{}\"{}", v[i], i + 1 < v.size() ? "," : "");
    }
    s += "\n\t\t]";
  };
  strings("sources", m.compaction_sources);
  if (m.compaction_deletable) s += ",\n\t\t\"deletable\": true";
  if (!m.compaction_parents.empty()) {
    s += ",\n\t\t\"parents\": [";
    for (size_t i = 0; i < m.compaction_parents.size(); ++i) {
      const BlockDesc& p = m.compaction_parents[i];
      s += fmt::format(
          "\n\t\t\t{{\n\t\t\t\t\"ulid\": \"{}\",\n\t\t\t\t\"minTime\": {},\n\t\t\t\t\"maxTime\": "
          "{}\n\t\t\t}}{}",
          p.ulid, p.min_time, p.max_time, i + 1 < m.compaction_parents.size() ? "," : "");
    }
    s += "\n\t\t]";
  }
  if (m.compaction_failed) s += ",\n\t\t\"failed\": true";
  strings("hints", m.compaction_hints);
  s += "\n\t},\n";
  s += fmt::format("\t\"version\": {}\n}}", m.version);
  return s;
}

util::Status WriteMeta(const std::string& dir, const BlockMeta& m, util::Env* env) {
  return util::WriteFileAtomic(dir + "/meta.json", EncodeMeta(m), env);
}

util::Result<MetaFile> ReadMeta(const std::string& dir) {
  std::string path = dir + "/meta.json";
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  PROMKIT_ASSIGN_OR_RETURN(BlockMeta m, ParseMeta(text, path));
  return MetaFile{std::move(m), text.size()};
}

bool IsUlid(std::string_view name) {
  if (name.size() != 26) return false;
  if (name[0] > '7') return false;  // more than 128 bits
  for (char c : name) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool digit = u >= '0' && u <= '9';
    bool letter = u >= 'A' && u <= 'Z' && u != 'I' && u != 'L' && u != 'O' && u != 'U';
    if (!digit && !letter) return false;
  }
  return true;
}

}  // namespace promkit::tsdb
