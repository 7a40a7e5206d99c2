#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include <simdjson.h>

namespace auralis::config {

/// A JSON value that is missing, of the wrong type or out of range. `key` is the dotted
/// path of the value (e.g. "tiers.l1_mb"); what() names the key and the rule.
class json_field_error : public std::runtime_error {
public:
  json_field_error(std::string key, const std::string& message)
    : std::runtime_error(key + ": " + message), key_(std::move(key)) {}

  /// Dotted path of the offending value.
  const std::string& key() const noexcept { return key_; }

private:
  std::string key_;
};

/// Whether a key must be present.
enum class presence {
  optional, ///< absent keeps the caller's default
  required, ///< absent is an error
};

/// Reads one JSON object strictly, with the DOM API (every value validated): each getter
/// claims a key and checks its type and range; finish() refuses keys nobody claimed.
/// Errors are json_field_error naming the dotted key.
class json_reader {
public:
  /// Wraps `element`, which must be an object; `path` prefixes key names in errors.
  json_reader(simdjson::dom::element element, std::string path);

  /// Number in [lo, hi] (ints and doubles accepted). Returns whether the key was present.
  bool number(const char* key, double& out, double lo, double hi,
              presence p = presence::optional);

  /// Whole number in [lo, hi]; 3.0 is accepted, 3.5 is not.
  bool integer(const char* key, std::int64_t& out, std::int64_t lo, std::int64_t hi,
               presence p = presence::optional);

  /// Typed convenience over integer() for int fields.
  bool integer(const char* key, int& out, int lo, int hi, presence p = presence::optional);

  /// true or false.
  bool boolean(const char* key, bool& out, presence p = presence::optional);

  /// A string (any content, may be empty).
  bool string(const char* key, std::string& out, presence p = presence::optional);

  /// A string or null (null resets `out`).
  bool nullable_string(const char* key, std::optional<std::string>& out,
                       presence p = presence::optional);

  /// A nested object, or nullopt when absent (and not required).
  std::optional<json_reader> object(const char* key, presence p = presence::optional);

  /// An array of exactly two whole numbers [a, b] with lo <= a <= b <= hi.
  bool int_pair(const char* key, int& first, int& last, int lo, int hi,
                presence p = presence::optional);

  /// Claims every key and hands each (key, value) to `fn`; used for open-ended maps.
  template <class F>
  void each(F&& fn) {
    for (auto field : object_) {
      std::string key(field.key);
      claimed_.insert(key);
      fn(key, field.value);
    }
  }

  /// Throws for the first key that no getter claimed.
  void finish() const;

  /// Dotted path of `key` inside this object.
  std::string path_of(const char* key) const;

private:
  /// The value of `key`, or nullopt; throws when absent and required.
  std::optional<simdjson::dom::element> find(const char* key, presence p);

  simdjson::dom::object object_;
  std::string path_;
  std::set<std::string> claimed_;
};

/// The JSON type of `element` as a word for error messages ("string", "number", ...).
const char* json_type_name(simdjson::dom::element element);

} // namespace auralis::config
