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
  /// Opt-in record of the keys the readers claim, for listing what a loader accepts (see
  /// config_loader::accepted_keys). While one is alive, every json_reader of the same
  /// thread reports to it the dotted path of each key a getter claims, whether the key is
  /// present in the document or not; an optional object that is absent is recorded too,
  /// since the keys inside it were never claimed. Recorders nest: the one made last
  /// records until it is destroyed, which must happen on the thread that made it, in
  /// reverse order of making. Without a recorder a claim costs one thread-local pointer
  /// test more, nothing else. Not thread-safe (one thread records into it).
  class key_recorder {
  public:
    /// Starts recording the claims of this thread's readers.
    key_recorder();
    /// Stops recording; the recorder made before it (if any) records again.
    ~key_recorder();
    key_recorder(const key_recorder&) = delete;
    key_recorder& operator=(const key_recorder&) = delete;

    /// Paths of the claimed values, as errors spell them ("tiers.l1_mb",
    /// "presets[0].eq.low_db", "predictor.cold_start.adaptive"): every key claimed by a
    /// value getter (number, integer, boolean, string, nullable_string, int_pair) and
    /// every key of an each() map whose value is not an object.
    const std::set<std::string>& values() const noexcept { return values_; }

    /// Paths of the claimed objects and arrays that were present (object(), array(), and
    /// the object values of an each() map).
    const std::set<std::string>& containers() const noexcept { return containers_; }

    /// Paths of the objects read with each(): their keys are names, not fixed keys.
    const std::set<std::string>& maps() const noexcept { return maps_; }

    /// Paths of the optional objects and arrays that were absent: nothing inside them was
    /// claimed.
    const std::set<std::string>& absent() const noexcept { return absent_; }

    /// values() as patterns: each array index becomes "[i]" and each key of a map in
    /// maps() becomes "<name>" ("presets[i].eq.low_db", "predictor.cold_start.<name>").
    /// A map key that itself holds '.' or '[' is not told apart from a deeper path.
    std::set<std::string> patterns() const;

  private:
    friend class json_reader;

    key_recorder* previous_;
    std::set<std::string> values_;
    std::set<std::string> containers_;
    std::set<std::string> maps_;
    std::set<std::string> absent_;
  };

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

  /// An array (items of any type, checked by the caller), or nullopt when absent (and not
  /// required).
  std::optional<simdjson::dom::array> array(const char* key, presence p = presence::optional);

  /// An array of exactly two whole numbers [a, b] with lo <= a <= b <= hi.
  bool int_pair(const char* key, int& first, int& last, int lo, int hi,
                presence p = presence::optional);

  /// Claims every key and hands each (key, value) to `fn`; used for open-ended maps,
  /// whose keys are names (a key_recorder lists this object among its maps()).
  template <class F>
  void each(F&& fn) {
    note_map();
    for (auto field : object_) {
      std::string key(field.key);
      claim(key, field.value.is_object() ? claim_kind::container : claim_kind::value);
      fn(key, field.value);
    }
  }

  /// Throws for the first key that no getter claimed.
  void finish() const;

  /// Dotted path of `key` inside this object.
  std::string path_of(const char* key) const;

private:
  /// What a claimed key holds, for a key_recorder.
  enum class claim_kind { value, container, absent_container };

  /// Marks `key` claimed (and tells this thread's key_recorder, if any).
  void claim(const std::string& key, claim_kind kind);

  /// Tells this thread's key_recorder, if any, that this object is an each() map.
  void note_map() const;

  /// The value of `key`, or nullopt; throws when absent and required. `container`: the
  /// caller opens it as an object or array.
  std::optional<simdjson::dom::element> find(const char* key, presence p,
                                             bool container = false);

  /// The numeric value of `key`, or nullopt when absent (throws when required); throws
  /// "must be <what>, not <type>" when it is not a number.
  std::optional<double> find_number(const char* key, presence p, const char* what);

  simdjson::dom::object object_;
  std::string path_;
  std::set<std::string> claimed_;
};

/// The JSON type of `element` as a word for error messages ("string", "number", ...).
const char* json_type_name(simdjson::dom::element element);

} // namespace auralis::config
