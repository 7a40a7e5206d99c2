#include "config/json_reader.hpp"

#include <cmath>
#include <sstream>

namespace auralis::config {

namespace {

/// The recorder of this thread's claims; null when nobody records (the usual case).
thread_local json_reader::key_recorder* active_recorder = nullptr;

std::string range_text(double lo, double hi) {
  std::ostringstream os;
  os << "[" << lo << ", " << hi << "]";
  return os.str();
}

/// The numeric value of `el`, or nullopt when it is not a number.
std::optional<double> as_number(simdjson::dom::element el) {
  switch (el.type()) {
    case simdjson::dom::element_type::INT64:
      return static_cast<double>(el.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return static_cast<double>(el.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE:
      return el.get_double().value_unsafe();
    default:
      return std::nullopt;
  }
}

} // namespace

const char* json_type_name(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::ARRAY: return "array";
    case simdjson::dom::element_type::OBJECT: return "object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return "number";
    case simdjson::dom::element_type::STRING: return "string";
    case simdjson::dom::element_type::BOOL: return "boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
  }
  return "value";
}

json_reader::key_recorder::key_recorder() : previous_(active_recorder) {
  active_recorder = this;
}

json_reader::key_recorder::~key_recorder() { active_recorder = previous_; }

std::set<std::string> json_reader::key_recorder::patterns() const {
  std::set<std::string> out;
  for (const auto& key : values_) {
    // Walk the path one name at a time; `concrete` is the path so far as written, by which
    // the maps are looked up.
    std::string concrete;
    std::string pattern;
    std::size_t i = 0;
    while (i < key.size()) {
      const auto end = key.find_first_of(".[", i);
      const auto name_end = end == std::string::npos ? key.size() : end;
      const bool in_map = maps_.count(concrete) != 0;
      if (!concrete.empty()) {
        concrete += '.';
        pattern += '.';
      }
      concrete += key.substr(i, name_end - i);
      pattern += in_map ? std::string("<name>") : key.substr(i, name_end - i);
      i = name_end;
      while (i < key.size() && key[i] == '[') {
        const auto close = key.find(']', i);
        const auto stop = close == std::string::npos ? key.size() : close + 1;
        concrete += key.substr(i, stop - i);
        pattern += "[i]";
        i = stop;
      }
      if (i < key.size() && key[i] == '.')
        ++i;
    }
    out.insert(pattern);
  }
  return out;
}

json_reader::json_reader(simdjson::dom::element element, std::string path)
  : path_(std::move(path)) {
  if (element.get(object_) != simdjson::SUCCESS)
    throw json_field_error(path_.empty() ? "(document)" : path_,
                           std::string("must be an object, not ") + json_type_name(element));
}

std::string json_reader::path_of(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

void json_reader::claim(const std::string& key, claim_kind kind) {
  claimed_.insert(key);
  if (auto* recorder = active_recorder) {
    auto path = path_of(key.c_str());
    switch (kind) {
      case claim_kind::value: recorder->values_.insert(std::move(path)); break;
      case claim_kind::container: recorder->containers_.insert(std::move(path)); break;
      case claim_kind::absent_container: recorder->absent_.insert(std::move(path)); break;
    }
  }
}

void json_reader::note_map() const {
  if (auto* recorder = active_recorder)
    recorder->maps_.insert(path_);
}

std::optional<simdjson::dom::element> json_reader::find(const char* key, presence p,
                                                        bool container) {
  simdjson::dom::element el;
  const bool found = object_.at_key(key).get(el) == simdjson::SUCCESS;
  claim(key, !container ? claim_kind::value
             : found    ? claim_kind::container
                        : claim_kind::absent_container);
  if (!found) {
    if (p == presence::required)
      throw json_field_error(path_of(key), "is required");
    return std::nullopt;
  }
  return el;
}

std::optional<double> json_reader::find_number(const char* key, presence p, const char* what) {
  auto el = find(key, p);
  if (!el)
    return std::nullopt;
  auto v = as_number(*el);
  if (!v)
    throw json_field_error(path_of(key),
                           std::string("must be ") + what + ", not " + json_type_name(*el));
  return v;
}

bool json_reader::number(const char* key, double& out, double lo, double hi, presence p) {
  auto v = find_number(key, p, "a number");
  if (!v)
    return false;
  if (!std::isfinite(*v) || *v < lo || *v > hi)
    throw json_field_error(path_of(key), "must be a number in " + range_text(lo, hi));
  out = *v;
  return true;
}

bool json_reader::integer(const char* key, std::int64_t& out, std::int64_t lo, std::int64_t hi,
                          presence p) {
  auto v = find_number(key, p, "a whole number");
  if (!v)
    return false;
  if (!std::isfinite(*v) || std::floor(*v) != *v)
    throw json_field_error(path_of(key), "must be a whole number");
  if (*v < static_cast<double>(lo) || *v > static_cast<double>(hi))
    throw json_field_error(path_of(key), "must be a whole number in " +
                                           range_text(static_cast<double>(lo),
                                                      static_cast<double>(hi)));
  out = static_cast<std::int64_t>(*v);
  return true;
}

bool json_reader::integer(const char* key, int& out, int lo, int hi, presence p) {
  std::int64_t v = out;
  if (!integer(key, v, lo, hi, p))
    return false;
  out = static_cast<int>(v);
  return true;
}

bool json_reader::boolean(const char* key, bool& out, presence p) {
  auto el = find(key, p);
  if (!el)
    return false;
  bool v = false;
  if (el->get(v) != simdjson::SUCCESS)
    throw json_field_error(path_of(key),
                           std::string("must be true or false, not ") + json_type_name(*el));
  out = v;
  return true;
}

bool json_reader::string(const char* key, std::string& out, presence p) {
  auto el = find(key, p);
  if (!el)
    return false;
  std::string_view v;
  if (el->get(v) != simdjson::SUCCESS)
    throw json_field_error(path_of(key),
                           std::string("must be a string, not ") + json_type_name(*el));
  out.assign(v.data(), v.size());
  return true;
}

bool json_reader::nullable_string(const char* key, std::optional<std::string>& out,
                                  presence p) {
  auto el = find(key, p);
  if (!el)
    return false;
  if (el->is_null()) {
    out.reset();
    return true;
  }
  std::string_view v;
  if (el->get(v) != simdjson::SUCCESS)
    throw json_field_error(path_of(key), std::string("must be a string or null, not ") +
                                           json_type_name(*el));
  out = std::string(v);
  return true;
}

std::optional<json_reader> json_reader::object(const char* key, presence p) {
  auto el = find(key, p, true);
  if (!el)
    return std::nullopt;
  return json_reader(*el, path_of(key));
}

std::optional<simdjson::dom::array> json_reader::array(const char* key, presence p) {
  auto el = find(key, p, true);
  if (!el)
    return std::nullopt;
  simdjson::dom::array arr;
  if (el->get(arr) != simdjson::SUCCESS)
    throw json_field_error(path_of(key),
                           std::string("must be an array, not ") + json_type_name(*el));
  return arr;
}

bool json_reader::int_pair(const char* key, int& first, int& last, int lo, int hi,
                           presence p) {
  auto el = find(key, p);
  if (!el)
    return false;
  simdjson::dom::array arr;
  auto fail = [&] {
    throw json_field_error(path_of(key), "must be [first, last], two whole numbers with " +
                                           std::to_string(lo) + " <= first <= last <= " +
                                           std::to_string(hi));
  };
  if (el->get(arr) != simdjson::SUCCESS || arr.size() != 2)
    fail();
  double v[2] = {0, 0};
  int i = 0;
  for (auto item : arr) {
    auto n = as_number(item);
    if (!n || std::floor(*n) != *n)
      fail();
    v[i++] = *n;
  }
  if (v[0] < lo || v[1] > hi || v[0] > v[1])
    fail();
  first = static_cast<int>(v[0]);
  last = static_cast<int>(v[1]);
  return true;
}

void json_reader::finish() const {
  for (auto field : object_) {
    std::string key(field.key);
    if (claimed_.count(key) == 0)
      throw json_field_error(path_of(key.c_str()), "unknown key");
  }
}

} // namespace auralis::config
