#include "tsdb/meta.h"

#include <cctype>
#include <string>

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
