// Deterministic random numbers for the nnc runtime.
//
// std::mt19937 is portable but the std distributions (uniform_real_distribution,
// normal_distribution, shuffle) are not: each standard library may produce a
// different sequence from the same seed. Training runs must be reproducible from
// a seed on any machine, so everything here is specified bit for bit:
// splitmix64 expands the seed, xoshiro256** generates, and the derived
// distributions use only integer arithmetic plus one log/sqrt/cos in normal().
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace nnc::rt {

// A well-mixed 64-bit value of two (splitmix64's finaliser): per-step and
// per-sample seeds that need no generator state.
inline uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9e3779b97f4a7c15ull + b + 0x632be59bd9b4e019ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class Rng {
public:
    // splitmix64 turns any seed (even 0 or small consecutive seeds) into a
    // well-mixed, never all-zero xoshiro state, as the xoshiro authors advise.
    explicit Rng(uint64_t seed) {
        uint64_t x = seed;
        for (auto& word : s_) word = splitmix64(x);
    }

    // xoshiro256**: fast, 256 bits of state, passes BigCrush.
    uint64_t next_u64() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // [0,1) from the top 24 bits: a float has a 24-bit significand, so every
    // value is exact and equally spaced, and 1.0 can never come out.
    float uniform() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }

    // [lo,hi). Rounding in lo + (hi-lo)*u can land on hi; step back below it so
    // the half-open promise holds.
    float uniform(float lo, float hi) {
        float r = lo + (hi - lo) * uniform();
        if (r >= hi && hi > lo) r = std::nextafter(hi, lo);
        return r;
    }

    // Standard normal by Box-Muller. The second value is deliberately not
    // cached, so state() alone is enough to resume a run exactly.
    // Works in double so u1 can be tiny without log(0); u1 is in (0,1].
    float normal() {
        const double u1 = static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53;
        const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
        const double two_pi = 6.283185307179586476925286766559;
        return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2));
    }

    // Uniform integer in [0,n), without the modulo bias of next_u64() % n
    // (Lemire's multiply-and-reject). n == 0 has no valid answer; returns 0.
    uint64_t below(uint64_t n) {
        if (n == 0) return 0;
        uint64_t high = 0;
        uint64_t low = mul128(next_u64(), n, high);
        if (low < n) {
            // Only the first (2^64 mod n) low values are over-represented.
            const uint64_t threshold = (0 - n) % n;
            while (low < threshold) low = mul128(next_u64(), n, high);
        }
        return high;
    }

    // Fisher-Yates, from the back, with below() so every permutation is
    // equally likely and the result is the same on every platform.
    template <class T>
    void shuffle(std::vector<T>& v) {
        for (size_t i = v.size(); i > 1; --i) {
            const size_t j = static_cast<size_t>(below(i));
            using std::swap;
            swap(v[i - 1], v[j]);
        }
    }

    // The whole generator state: saving it with a checkpoint and restoring it
    // continues the exact sequence.
    std::array<uint64_t, 4> state() const { return s_; }

    // An all-zero state would make xoshiro emit zeros forever; it can only come
    // from a corrupt checkpoint, so refuse it.
    void set_state(const std::array<uint64_t, 4>& s) {
        if (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0)
            throw std::invalid_argument("Rng::set_state: all-zero state is invalid for xoshiro256**");
        s_ = s;
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    // Full 64x64->128 product from 32-bit halves, returning the low word and
    // storing the high one: standard C++ (no __int128), so any compiler agrees.
    static uint64_t mul128(uint64_t a, uint64_t b, uint64_t& high) {
        const uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
        const uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
        const uint64_t lo_lo = a_lo * b_lo;
        const uint64_t hi_lo = a_hi * b_lo;
        const uint64_t lo_hi = a_lo * b_hi;
        const uint64_t hi_hi = a_hi * b_hi;
        const uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffULL) + lo_hi;
        high = hi_hi + (hi_lo >> 32) + (cross >> 32);
        return (cross << 32) | (lo_lo & 0xffffffffULL);
    }

    static uint64_t splitmix64(uint64_t& x) {
        uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    std::array<uint64_t, 4> s_{};
};

}  // namespace nnc::rt
