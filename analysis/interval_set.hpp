// A set of unsigned integers stored as sorted, disjoint, non-adjacent closed intervals.
//
// It is the one building block of the rule model: addresses, ports and protocols are all
// IntervalSets over different universes. The invariant (normalized form) makes equality a
// plain comparison and keeps every operation a linear merge.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <type_traits>

namespace flowgap::analysis {

// A vector of trivially copyable values that holds one value inline and more on the heap. Rules
// are mostly one interval per dimension, and a rule model of 200k rules lives in memory, so this
// is a third smaller than boost::container::small_vector (no separate pointer beside the inline
// element) and needs no allocation for the common case.
template <typename V>
class OneOrMany {
    static_assert(std::is_trivially_copyable_v<V>);

  public:
    OneOrMany() = default;
    OneOrMany(const OneOrMany& o) { assign(o.data(), o.size_); }
    OneOrMany(OneOrMany&& o) noexcept { steal(o); }
    OneOrMany& operator=(const OneOrMany& o) {
        if (this != &o) assign(o.data(), o.size_);
        return *this;
    }
    OneOrMany& operator=(OneOrMany&& o) noexcept {
        if (this != &o) {
            release();
            steal(o);
        }
        return *this;
    }
    ~OneOrMany() { release(); }

    const V* begin() const { return data(); }
    const V* end() const { return data() + size_; }
    V* begin() { return data(); }
    V* end() { return data() + size_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const V& operator[](size_t i) const { return data()[i]; }
    const V& front() const { return data()[0]; }
    V& front() { return data()[0]; }
    const V& back() const { return data()[size_ - 1]; }
    V& back() { return data()[size_ - 1]; }
    void clear() { release(); }
    void push_back(const V& v) {
        if (size_ == capacity_) grow();
        data()[size_++] = v;
    }
    bool operator==(const OneOrMany& o) const {
        return size_ == o.size_ && std::equal(begin(), end(), o.begin());
    }

  private:
    V* data() { return capacity_ == 1 ? &one_ : heap_; }
    const V* data() const { return capacity_ == 1 ? &one_ : heap_; }
    void grow() {
        uint32_t cap = capacity_ * 2;
        V* mem = static_cast<V*>(std::malloc(sizeof(V) * cap));
        if (!mem) throw std::bad_alloc();
        uint32_t n = size_;
        std::memcpy(static_cast<void*>(mem), data(), sizeof(V) * n);
        release();
        heap_ = mem;
        capacity_ = cap;
        size_ = n;
    }
    void assign(const V* src, uint32_t n) {
        release();
        if (n > 1) {
            heap_ = static_cast<V*>(std::malloc(sizeof(V) * n));
            if (!heap_) throw std::bad_alloc();
            capacity_ = n;
        }
        std::memcpy(static_cast<void*>(data()), src, sizeof(V) * n);
        size_ = n;
    }
    void steal(OneOrMany& o) {
        size_ = o.size_;
        capacity_ = o.capacity_;
        if (capacity_ == 1) {
            if (size_ == 1) std::memcpy(static_cast<void*>(&one_), &o.one_, sizeof(V));
        } else {
            heap_ = o.heap_;
        }
        o.size_ = 0;
        o.capacity_ = 1;
    }
    void release() {
        // capacity_ > 1 means heap_ is the live union member; GCC 12 cannot see that through
        // the union and warns that it might free the inline value.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif
        if (capacity_ > 1) std::free(heap_);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
        capacity_ = 1;
        size_ = 0;
    }

    uint32_t size_ = 0;
    uint32_t capacity_ = 1;  // 1: the value is inline
    union {
        V one_;
        V* heap_ = nullptr;
    };
};

template <typename T>
class IntervalSet {
  public:
    struct Interval {
        T lo;
        T hi;  // inclusive
        bool operator==(const Interval&) const = default;
    };
    // Most sets in real rules are one interval: keep that one inline (see OneOrMany).
    using Storage = OneOrMany<Interval>;

    IntervalSet() = default;
    IntervalSet(T lo, T hi) {
        if (lo <= hi) items_.push_back({lo, hi});
    }
    static IntervalSet single(T v) { return IntervalSet(v, v); }
    static IntervalSet of(std::initializer_list<Interval> list) {
        IntervalSet s;
        for (const auto& i : list)
            s.add(i.lo, i.hi);
        return s;
    }

    bool empty() const { return items_.empty(); }
    const Storage& intervals() const { return items_; }
    T min() const { return items_.front().lo; }
    T max() const { return items_.back().hi; }
    bool operator==(const IntervalSet& o) const { return items_ == o.items_; }

    bool contains(T v) const {
        auto it = std::upper_bound(items_.begin(), items_.end(), v,
                                   [](T x, const Interval& i) { return x < i.lo; });
        return it != items_.begin() && std::prev(it)->hi >= v;
    }
    bool contains(const IntervalSet& o) const { return (o - *this).empty(); }
    bool intersects(const IntervalSet& o) const {
        if (empty() || o.empty() || max() < o.min() || o.max() < min()) return false;
        auto a = items_.begin();
        auto b = o.items_.begin();
        while (a != items_.end() && b != o.items_.end()) {
            if (a->hi < b->lo) {
                ++a;
            } else if (b->hi < a->lo) {
                ++b;
            } else {
                return true;
            }
        }
        return false;
    }

    // Adds [lo, hi], keeping the set normalized.
    void add(T lo, T hi) {
        if (lo > hi) return;
        if (items_.empty() || items_.back().hi < lo) {
            if (!items_.empty() && items_.back().hi + 1 == lo) {
                items_.back().hi = hi;
            } else {
                items_.push_back({lo, hi});
            }
            return;
        }
        *this = *this | IntervalSet(lo, hi);
    }

    friend IntervalSet operator|(const IntervalSet& a, const IntervalSet& b) {
        if (a.empty()) return b;
        if (b.empty()) return a;
        IntervalSet out;
        auto i = a.items_.begin();
        auto j = b.items_.begin();
        auto take = [&](const Interval& iv) {
            if (!out.items_.empty() && (out.items_.back().hi >= iv.lo || out.items_.back().hi + 1 == iv.lo)) {
                out.items_.back().hi = std::max(out.items_.back().hi, iv.hi);
            } else {
                out.items_.push_back(iv);
            }
        };
        while (i != a.items_.end() || j != b.items_.end()) {
            if (j == b.items_.end() || (i != a.items_.end() && i->lo <= j->lo)) {
                take(*i++);
            } else {
                take(*j++);
            }
        }
        return out;
    }

    friend IntervalSet operator&(const IntervalSet& a, const IntervalSet& b) {
        // One interval each, the usual case in rules: no merge loop.
        if (a.items_.size() == 1 && b.items_.size() == 1)
            return IntervalSet(std::max(a.min(), b.min()), std::min(a.max(), b.max()));
        IntervalSet out;
        if (!a.intersects(b)) return out;
        auto i = a.items_.begin();
        auto j = b.items_.begin();
        while (i != a.items_.end() && j != b.items_.end()) {
            T lo = std::max(i->lo, j->lo);
            T hi = std::min(i->hi, j->hi);
            if (lo <= hi) out.items_.push_back({lo, hi});
            if (i->hi < j->hi) {
                ++i;
            } else {
                ++j;
            }
        }
        return out;
    }

    friend IntervalSet operator-(const IntervalSet& a, const IntervalSet& b) {
        if (!a.intersects(b)) return a;
        IntervalSet out;
        auto j = b.items_.begin();
        for (const auto& iv : a.items_) {
            T lo = iv.lo;
            bool done = false;
            while (j != b.items_.end() && j->hi < lo)
                ++j;
            for (auto k = j; k != b.items_.end() && k->lo <= iv.hi; ++k) {
                if (k->lo > lo) out.items_.push_back({lo, static_cast<T>(k->lo - 1)});
                if (k->hi >= iv.hi) {
                    done = true;
                    break;
                }
                lo = static_cast<T>(k->hi + 1);
            }
            if (!done) out.items_.push_back({lo, iv.hi});
        }
        return out;
    }

    IntervalSet& operator|=(const IntervalSet& o) { return *this = *this | o; }
    IntervalSet& operator&=(const IntervalSet& o) {
        // One interval each: narrowed in place, without building a new set.
        if (items_.size() == 1 && o.items_.size() == 1) {
            Interval& iv = items_.front();
            iv.lo = std::max(iv.lo, o.items_.front().lo);
            iv.hi = std::min(iv.hi, o.items_.front().hi);
            if (iv.lo > iv.hi) items_.clear();
            return *this;
        }
        return *this = *this & o;
    }
    IntervalSet& operator-=(const IntervalSet& o) { return *this = *this - o; }

  private:
    Storage items_;
};

}  // namespace flowgap::analysis
