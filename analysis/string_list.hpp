// A list of strings that costs one pointer while it is empty.
//
// Rules carry several such lists (conditions, programs, applications) that are empty for almost
// every rule, and a 200,000-rule dump is held in memory at once: three empty std::vectors would
// cost 72 bytes per rule, three StringLists cost 24.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace flowgap::analysis {

class StringList {
  public:
    StringList() = default;
    StringList(std::initializer_list<std::string> items) { *this = items; }
    StringList(const StringList& o)
        : items_(o.items_ ? std::make_unique<std::vector<std::string>>(*o.items_) : nullptr) {}
    StringList(StringList&&) noexcept = default;
    StringList& operator=(const StringList& o) {
        if (this != &o) items_ = o.items_ ? std::make_unique<std::vector<std::string>>(*o.items_) : nullptr;
        return *this;
    }
    StringList& operator=(StringList&&) noexcept = default;
    StringList& operator=(std::initializer_list<std::string> items) {
        return *this = std::vector<std::string>(items);
    }
    StringList& operator=(std::vector<std::string> items) {
        items_ = items.empty() ? nullptr : std::make_unique<std::vector<std::string>>(std::move(items));
        return *this;
    }

    void push_back(std::string s) { vec().push_back(std::move(s)); }
    template <typename... Args>
    std::string& emplace_back(Args&&... args) {
        return vec().emplace_back(std::forward<Args>(args)...);
    }

    const std::vector<std::string>& list() const { return items_ ? *items_ : empty_list(); }
    auto begin() const { return list().begin(); }
    auto end() const { return list().end(); }
    size_t size() const { return list().size(); }
    bool empty() const { return !items_ || items_->empty(); }
    const std::string& operator[](size_t i) const { return list()[i]; }
    const std::string& at(size_t i) const { return list().at(i); }
    const std::string& front() const { return list().front(); }
    const std::string& back() const { return list().back(); }
    bool operator==(const StringList& o) const { return list() == o.list(); }
    bool operator==(const std::vector<std::string>& o) const { return list() == o; }

  private:
    std::vector<std::string>& vec() {
        if (!items_) items_ = std::make_unique<std::vector<std::string>>();
        return *items_;
    }
    static const std::vector<std::string>& empty_list() {
        static const std::vector<std::string> none;
        return none;
    }
    std::unique_ptr<std::vector<std::string>> items_;
};

}  // namespace flowgap::analysis
