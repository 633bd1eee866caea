// A list that costs one pointer while it is empty.
//
// Rules carry several such lists (conditions, programs, applications, condition scopes) that are
// empty for almost every rule, and a 200,000-rule dump is held in memory at once: four empty
// std::vectors would cost 96 bytes per rule, four CompactLists cost 32. Rule size matters beyond
// that: parsers keep rules in std::deque, whose blocks hold 512 bytes, and a rule one byte too
// big for two per block wastes half of each.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace flowgap::analysis {

template <typename T>
class CompactList {
  public:
    CompactList() = default;
    CompactList(std::initializer_list<T> items) { *this = items; }
    CompactList(const CompactList& o)
        : items_(o.items_ ? std::make_unique<std::vector<T>>(*o.items_) : nullptr) {}
    CompactList(CompactList&&) noexcept = default;
    CompactList& operator=(const CompactList& o) {
        if (this != &o) items_ = o.items_ ? std::make_unique<std::vector<T>>(*o.items_) : nullptr;
        return *this;
    }
    CompactList& operator=(CompactList&&) noexcept = default;
    CompactList& operator=(std::initializer_list<T> items) { return *this = std::vector<T>(items); }
    CompactList& operator=(std::vector<T> items) {
        items_ = items.empty() ? nullptr : std::make_unique<std::vector<T>>(std::move(items));
        return *this;
    }

    void push_back(T s) { vec().push_back(std::move(s)); }
    template <typename... Args>
    T& emplace_back(Args&&... args) {
        return vec().emplace_back(std::forward<Args>(args)...);
    }

    const std::vector<T>& list() const { return items_ ? *items_ : empty_list(); }
    auto begin() const { return list().begin(); }
    auto end() const { return list().end(); }
    size_t size() const { return list().size(); }
    bool empty() const { return !items_ || items_->empty(); }
    const T& operator[](size_t i) const { return list()[i]; }
    const T& at(size_t i) const { return list().at(i); }
    const T& front() const { return list().front(); }
    const T& back() const { return list().back(); }
    bool operator==(const CompactList& o) const { return list() == o.list(); }
    bool operator==(const std::vector<T>& o) const { return list() == o; }

  private:
    std::vector<T>& vec() {
        if (!items_) items_ = std::make_unique<std::vector<T>>();
        return *items_;
    }
    static const std::vector<T>& empty_list() {
        static const std::vector<T> none;
        return none;
    }
    std::unique_ptr<std::vector<T>> items_;
};

using StringList = CompactList<std::string>;

}  // namespace flowgap::analysis
