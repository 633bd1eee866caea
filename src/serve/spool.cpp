#include "src/serve/spool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace flowgap::serve {

Spool::Block::Block() {
    void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data = static_cast<char*>(p);
}

Spool::Block::~Block() {
    if (data) ::munmap(data, capacity);
}

Spool::Block::Block(Block&& o) noexcept : data(std::exchange(o.data, nullptr)), used(o.used) {}

void Spool::append(std::string_view bytes) {
    size_ += bytes.size();
    if (blocks_.empty()) {
        size_t take = std::min(bytes.size(), head_capacity - head_.size());
        head_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
    }
    while (!bytes.empty()) {
        if (blocks_.empty() || blocks_.back().used == Block::capacity) blocks_.emplace_back();
        Block& last = blocks_.back();
        size_t take = std::min(bytes.size(), Block::capacity - last.used);
        std::memcpy(last.data + last.used, bytes.data(), take);
        last.used += take;
        bytes.remove_prefix(take);
    }
}

std::string Spool::take() {
    size_t total = std::exchange(size_, 0);
    if (blocks_.empty()) return std::exchange(head_, {});
    std::string out;
    out.reserve(total);  // its pages are touched only as the blocks are copied in
    out.append(head_);
    head_ = std::string();
    for (Block& block : blocks_) {
        out.append(block.data, block.used);
        Block gone(std::move(block));  // unmapped here, before the next is copied
    }
    blocks_.clear();
    return out;
}

}  // namespace flowgap::serve
