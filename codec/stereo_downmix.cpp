#include "codec/stereo_downmix.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <sndfile.h>

#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

constexpr float minus_3_db = 0.70710678f;

/// Left and right gains of one channel role; `known` is false for roles with no place in
/// a stereo fold (ambisonic components, invalid entries).
struct role_gains {
  float left = 0;
  float right = 0;
  bool known = true;
};

role_gains gains_of(int role) {
  switch (role) {
    case SF_CHANNEL_MAP_LEFT:
    case SF_CHANNEL_MAP_FRONT_LEFT:
    case SF_CHANNEL_MAP_FRONT_LEFT_OF_CENTER: return {1.f, 0.f};
    case SF_CHANNEL_MAP_RIGHT:
    case SF_CHANNEL_MAP_FRONT_RIGHT:
    case SF_CHANNEL_MAP_FRONT_RIGHT_OF_CENTER: return {0.f, 1.f};
    case SF_CHANNEL_MAP_MONO:
    case SF_CHANNEL_MAP_CENTER:
    case SF_CHANNEL_MAP_FRONT_CENTER: return {minus_3_db, minus_3_db};
    case SF_CHANNEL_MAP_REAR_LEFT:
    case SF_CHANNEL_MAP_SIDE_LEFT:
    case SF_CHANNEL_MAP_TOP_FRONT_LEFT:
    case SF_CHANNEL_MAP_TOP_REAR_LEFT: return {minus_3_db, 0.f};
    case SF_CHANNEL_MAP_REAR_RIGHT:
    case SF_CHANNEL_MAP_SIDE_RIGHT:
    case SF_CHANNEL_MAP_TOP_FRONT_RIGHT:
    case SF_CHANNEL_MAP_TOP_REAR_RIGHT: return {0.f, minus_3_db};
    case SF_CHANNEL_MAP_REAR_CENTER:
    case SF_CHANNEL_MAP_TOP_CENTER:
    case SF_CHANNEL_MAP_TOP_FRONT_CENTER:
    case SF_CHANNEL_MAP_TOP_REAR_CENTER: return {0.5f, 0.5f};
    case SF_CHANNEL_MAP_LFE: return {0.f, 0.f};
    default: return {0.f, 0.f, false};
  }
}

/// The declared map, or the container's default 5.1 order for 6 channels, or empty.
std::vector<int> layout_of(int channels, const std::vector<int>& channel_map,
                           stereo_downmix::surround_order order) {
  if (!channel_map.empty())
    return channel_map;
  if (channels != 6)
    return {};
  if (order == stereo_downmix::surround_order::vorbis)
    return {SF_CHANNEL_MAP_LEFT,      SF_CHANNEL_MAP_CENTER,     SF_CHANNEL_MAP_RIGHT,
            SF_CHANNEL_MAP_REAR_LEFT, SF_CHANNEL_MAP_REAR_RIGHT, SF_CHANNEL_MAP_LFE};
  return {SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT,     SF_CHANNEL_MAP_CENTER,
          SF_CHANNEL_MAP_LFE,  SF_CHANNEL_MAP_REAR_LEFT, SF_CHANNEL_MAP_REAR_RIGHT};
}

} // namespace

stereo_downmix::stereo_downmix(int channels, const std::vector<int>& channel_map,
                               surround_order order)
  : channels_(channels) {
  if (channels < 1)
    throw codec_error(codec_errc::invalid_argument,
                      "stereo downmix: " + std::to_string(channels) + " channels");
  if (!channel_map.empty() && static_cast<int>(channel_map.size()) != channels)
    throw codec_error(codec_errc::invalid_argument,
                      "stereo downmix: channel map of " + std::to_string(channel_map.size()) +
                        " entries for " + std::to_string(channels) + " channels");
  const auto n = static_cast<std::size_t>(channels);
  left_.assign(n, 0.f);
  right_.assign(n, 0.f);
  if (channels == 1) {
    left_[0] = right_[0] = 1.f;
    return;
  }
  if (channels == 2) {
    left_[0] = right_[1] = 1.f;
    return;
  }
  const std::vector<int> layout = layout_of(channels, channel_map, order);
  bool known = !layout.empty();
  float left_sum = 0, right_sum = 0;
  for (std::size_t c = 0; known && c < n; ++c) {
    const role_gains g = gains_of(layout[c]);
    known = g.known;
    left_[c] = g.left;
    right_[c] = g.right;
    left_sum += g.left;
    right_sum += g.right;
  }
  if (known && std::max(left_sum, right_sum) > 0) {
    const float scale = 1.f / std::max(left_sum, right_sum);
    for (std::size_t c = 0; c < n; ++c) {
      left_[c] *= scale;
      right_[c] *= scale;
    }
    return;
  }
  const float even_share = 1.f / static_cast<float>((channels + 1) / 2);
  const float odd_share = 1.f / static_cast<float>(channels / 2);
  for (std::size_t c = 0; c < n; ++c) {
    left_[c] = c % 2 == 0 ? even_share : 0.f;
    right_[c] = c % 2 == 1 ? odd_share : 0.f;
  }
}

float stereo_downmix::gain(int side, int channel) const noexcept {
  if (channel < 0 || channel >= channels_ || side < 0 || side > 1)
    return 0.f;
  const auto c = static_cast<std::size_t>(channel);
  return side == 0 ? left_[c] : right_[c];
}

void stereo_downmix::apply(const float* in, std::int64_t frames, float* out) const noexcept {
  if (frames <= 0)
    return;
  if (channels_ == 2) {
    std::memcpy(out, in, static_cast<std::size_t>(frames) * 2 * sizeof(float));
    return;
  }
  if (channels_ == 1) {
    for (std::int64_t i = 0; i < frames; ++i)
      out[2 * i] = out[2 * i + 1] = in[i];
    return;
  }
  const std::size_t n = left_.size();
  for (std::int64_t i = 0; i < frames; ++i) {
    const float* frame = in + static_cast<std::size_t>(i) * n;
    float l = 0, r = 0;
    for (std::size_t c = 0; c < n; ++c) {
      l += left_[c] * frame[c];
      r += right_[c] * frame[c];
    }
    out[2 * i] = l;
    out[2 * i + 1] = r;
  }
}

} // namespace auralis::codec
