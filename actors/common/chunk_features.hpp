#pragma once

#include <caf/meta/type_name.hpp>

namespace auralis::actors {

/// Audio-content features of one chunk, each in 0..1 (the DSP side computes them; the
/// planner hands them to the predictor for the chunk about to play).
struct chunk_features {
  double energy = 0;          ///< loudness: RMS x 10, clipped to 1
  double brightness = 0;      ///< high-frequency content: mean |first difference| x 100
  double dynamics = 0;        ///< crest factor in dB / 20
  double vocal_presence = 0;  ///< position of the spectral centroid in the vocal band
  double rhythmic_energy = 0; ///< fluctuation of a 10 ms envelope
};

/// CAF serialisation of chunk_features.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chunk_features& x) {
  return f(caf::meta::type_name("chunk_features"), x.energy, x.brightness, x.dynamics,
           x.vocal_presence, x.rhythmic_energy);
}

} // namespace auralis::actors
