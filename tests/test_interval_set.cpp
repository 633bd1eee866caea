// IntervalSet against a brute-force model: random sets over small universes (a bitset of every
// element), including universes at the very top of the value type to catch overflow there.
#include <bitset>
#include <cstdint>
#include <limits>
#include <random>

#include <catch2/catch.hpp>

#include "analysis/address.hpp"
#include "analysis/interval_set.hpp"

using flowgap::analysis::IntervalSet;
using flowgap::analysis::uint128;

namespace {

// The universe [base, base + N). Values just outside it (when they exist in T) are checked too.
template <typename T, size_t N>
struct Universe {
    T base;
    using Bits = std::bitset<N>;
    using Set = IntervalSet<T>;

    T at(size_t i) const { return static_cast<T>(base + static_cast<T>(i)); }

    // A random set built through one of several construction routes, and its model.
    std::pair<Set, Bits> random(std::mt19937& rng) const {
        Bits bits;
        Set set;
        std::uniform_int_distribution<int> shape(0, 9);
        std::uniform_int_distribution<size_t> pos(0, N - 1);
        int kind = shape(rng);
        if (kind == 0) return {set, bits};  // empty
        if (kind == 1) {                    // everything
            bits.set();
            return {Set(at(0), at(N - 1)), bits};
        }
        if (kind == 2) {  // random elements, one at a time
            std::bernoulli_distribution in(0.5);
            for (size_t i = 0; i < N; ++i) {
                if (in(rng)) {
                    bits.set(i);
                    set.add(at(i), at(i));
                }
            }
            return {set, bits};
        }
        int count = std::uniform_int_distribution<int>(1, 5)(rng);
        for (int k = 0; k < count; ++k) {
            size_t a = pos(rng), b = pos(rng);
            // Bias some endpoints to the universe's edges (where overflow lives).
            if (shape(rng) == 0) b = N - 1;
            if (shape(rng) == 0) a = 0;
            if (a > b) std::swap(a, b);
            for (size_t i = a; i <= b; ++i)
                bits.set(i);
            switch (kind % 3) {
                case 0: set.add(at(a), at(b)); break;
                case 1: set |= Set(at(a), at(b)); break;
                default: set = Set::of({{at(a), at(b)}}) | set; break;
            }
        }
        return {set, bits};
    }

    // The canonical set for a model: maximal runs, in order.
    Set from_bits(const Bits& bits) const {
        Set s;
        size_t i = 0;
        while (i < N) {
            if (!bits.test(i)) {
                ++i;
                continue;
            }
            size_t j = i;
            while (j + 1 < N && bits.test(j + 1))
                ++j;
            s.add(at(i), at(j));
            i = j + 1;
        }
        return s;
    }

    // The set holds exactly the model's elements, in normal form.
    void check(const Set& s, const Bits& bits) const {
        const auto& iv = s.intervals();
        for (size_t k = 0; k < iv.size(); ++k) {
            REQUIRE(iv[k].lo <= iv[k].hi);
            if (k > 0) {
                // Sorted, disjoint and not adjacent.
                REQUIRE(iv[k - 1].hi < iv[k].lo);
                REQUIRE(iv[k].lo - iv[k - 1].hi > 1);
            }
        }
        REQUIRE(s.empty() == bits.none());
        for (size_t i = 0; i < N; ++i)
            REQUIRE(s.contains(at(i)) == bits.test(i));
        if (base > std::numeric_limits<T>::min()) REQUIRE_FALSE(s.contains(static_cast<T>(base - 1)));
        if (at(N - 1) < std::numeric_limits<T>::max())
            REQUIRE_FALSE(s.contains(static_cast<T>(at(N - 1) + 1)));
        REQUIRE(s == from_bits(bits));
        if (!s.empty()) {
            size_t lo = 0, hi = N - 1;
            while (!bits.test(lo))
                ++lo;
            while (!bits.test(hi))
                --hi;
            REQUIRE(s.min() == at(lo));
            REQUIRE(s.max() == at(hi));
        }
    }

    void run(uint32_t seed, int cases) const {
        std::mt19937 rng(seed);
        for (int c = 0; c < cases; ++c) {
            INFO("case " << c);
            auto [a, am] = random(rng);
            auto [b, bm] = random(rng);
            check(a, am);
            check(b, bm);
            check(a | b, am | bm);
            check(a & b, am & bm);
            check(a - b, am & ~bm);
            check(b - a, bm & ~am);
            Set x = a;
            x |= b;
            check(x, am | bm);
            x = a;
            x &= b;
            check(x, am & bm);
            x = a;
            x -= b;
            check(x, am & ~bm);
            REQUIRE(a.intersects(b) == (am & bm).any());
            REQUIRE(b.intersects(a) == (am & bm).any());
            REQUIRE(a.contains(b) == ((bm & ~am).none()));
            REQUIRE(b.contains(a) == ((am & ~bm).none()));
            REQUIRE((a == b) == (am == bm));
            REQUIRE(a.contains(a));
            REQUIRE(a.contains(Set()));
        }
    }
};

constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint128 kU128Max = ~uint128{0};

}  // namespace

TEST_CASE("interval sets merge adjacent intervals", "[model]") {
    IntervalSet<uint32_t> s(1, 3);
    s.add(4, 6);
    REQUIRE(s.intervals().size() == 1);
    REQUIRE(s.max() == 6);
}

TEST_CASE("interval set basics", "[model]") {
    using S = IntervalSet<uint32_t>;
    REQUIRE(S(5, 4).empty());
    REQUIRE(S::single(7) == S(7, 7));
    REQUIRE(S::of({{10, 12}, {1, 3}, {4, 4}, {13, 20}}) == S::of({{1, 4}, {10, 20}}));
    REQUIRE(S::of({{1, 4}, {10, 20}}).intervals().size() == 2);
    REQUIRE((S(0, kU32Max) - S::single(0)) == S(1, kU32Max));
    REQUIRE((S(0, kU32Max) - S::single(kU32Max)) == S(0, kU32Max - 1));
    REQUIRE((S(0, kU32Max) - S(0, kU32Max)).empty());
    REQUIRE((S(kU32Max, kU32Max) | S(0, 0)).intervals().size() == 2);
    REQUIRE((S(kU32Max - 1, kU32Max - 1) | S(kU32Max, kU32Max)) == S(kU32Max - 1, kU32Max));
    using S8 = IntervalSet<uint8_t>;
    REQUIRE((S8(0, 255) - S8(1, 254)) == S8::of({{0, 0}, {255, 255}}));
    S8 top(250, 255);
    top.add(0, 3);  // out of order: goes through the union path
    REQUIRE(top == S8::of({{0, 3}, {250, 255}}));
}

TEST_CASE("interval set matches brute force on 0..63 (uint32_t)", "[model]") {
    Universe<uint32_t, 64>{0}.run(1, 400);
}

TEST_CASE("interval set matches brute force on all of uint8_t", "[model]") {
    Universe<uint8_t, 256>{0}.run(2, 300);
}

TEST_CASE("interval set matches brute force at the top of uint8_t (240..255)", "[model]") {
    Universe<uint8_t, 16>{240}.run(3, 400);
}

TEST_CASE("interval set matches brute force at the top of uint32_t", "[model]") {
    Universe<uint32_t, 64>{kU32Max - 63}.run(4, 400);
}

TEST_CASE("interval set matches brute force at the top of uint64_t", "[model]") {
    Universe<uint64_t, 64>{kU64Max - 63}.run(5, 200);
}

TEST_CASE("interval set matches brute force at the top and bottom of uint128", "[model]") {
    Universe<uint128, 64>{kU128Max - 63}.run(6, 200);
    Universe<uint128, 64>{0}.run(7, 200);
}
