#pragma once

#include <vector>

#include "codec/opus_segmented_format.hpp"

namespace auralis::codec {

/// Wraps the Opus packets of an L3 container (opus_segmented_format.hpp) in an Ogg Opus
/// file (RFC 7845), without decoding or encoding a sample: the bytes a `format=opus` answer
/// of an L3 entry needs, in about a millisecond where a decode and a new encode of a 15 s
/// chunk take 150-250 ms of CPU.
///
/// One logical stream: OpusHead (stereo, 48 kHz, pre-skip = the first segment's, which is
/// the encoder's lookahead), OpusTags (libopus' version as vendor, no comments), then
/// 20 ms packets: those of the first segment up to the second segment's first frame, then
/// each later segment's packets from its own first frame on (its warm-up packets dropped),
/// up to the next segment's first frame; the last segment's packets to its end. The last
/// granule position trims the stream to the container's frame count, so a reader such as
/// opusfile returns exactly frame_count() frames at lag 0.
///
/// This works because opus_chunk_encoder starts every segment but the first a whole
/// number of packets early, on the same packet grid as the first: a packet of a later
/// segment encodes the very input span the first segment's encoder would have. At a join
/// the decoder carries on with the previous segment's state into packets of an encoder
/// that warmed up on the same audio: the difference is of the order of the coding noise
/// and fades within a few packets (tests/codec/ogg_opus_remux_test.cpp measures it).
///
/// The stream serial number is fixed (as write_ogg_opus'), so the same container always
/// gives the same bytes. Throws codec_error: corrupt when a segment fails
/// opus_segmented_format::segment_format(); invalid_argument when the segments do not lie
/// on one packet grid (a first frame or a warm-up that is not a whole number of packets,
/// or a pre-skip of 960 or more in the first segment), which only containers written by
/// other code can have: decode and encode those instead.
std::vector<unsigned char> remux_to_ogg_opus(const opus_segmented_format& container);

} // namespace auralis::codec
