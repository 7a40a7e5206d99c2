#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace auralis::config {

/// Builds compact JSON text. Calls must nest properly (begin/end pairs, key before each
/// value inside an object); the writer inserts commas. Non-finite doubles are written as
/// null, since JSON has no NaN or infinity.
class json_writer {
public:
  /// Starts an object; inside an object call key() first.
  json_writer& begin_object();
  /// Ends the innermost object.
  json_writer& end_object();
  /// Starts an array.
  json_writer& begin_array();
  /// Ends the innermost array.
  json_writer& end_array();
  /// Writes an object key; the next call writes its value.
  json_writer& key(std::string_view k);

  /// A string value, escaped.
  json_writer& value(std::string_view v);
  /// A string value, escaped.
  json_writer& value(const char* v) { return value(std::string_view(v)); }
  /// A string value, escaped.
  json_writer& value(const std::string& v) { return value(std::string_view(v)); }
  /// A boolean.
  json_writer& value(bool v);
  /// A whole number.
  json_writer& value(std::int64_t v);
  /// A whole number.
  json_writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
  /// A whole number.
  json_writer& value(std::uint64_t v);
  /// A number with up to `digits` significant digits (shortest form); null if not finite.
  json_writer& value(double v, int digits = 6);
  /// JSON null.
  json_writer& null();
  /// Pre-formatted JSON text inserted as one value (the caller vouches it is valid).
  json_writer& raw(std::string_view json);

  /// key(k) then value(v).
  template <class T>
  json_writer& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  /// The text so far.
  const std::string& str() const noexcept { return out_; }
  /// Moves the text out.
  std::string take() { return std::move(out_); }

private:
  void before_value();

  std::string out_;
  std::vector<bool> first_; ///< per open container: no element written yet
  bool after_key_ = false;
};

/// `s` escaped as a JSON string literal, with quotes. Bytes that are not well-formed UTF-8
/// become U+FFFD (one per byte), so the result is always valid JSON text.
std::string json_quote(std::string_view s);

} // namespace auralis::config
