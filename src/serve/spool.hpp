// A part of an upload as it arrives, stored once: growing it never copies what came before (a
// std::string that doubles holds the old and the new copy at once, up to twice the part), and
// it becomes one std::string of its exact size when the part ends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace flowgap::serve {

class Spool {
  public:
    Spool() = default;
    Spool(Spool&&) noexcept = default;
    Spool& operator=(Spool&&) noexcept = default;

    void append(std::string_view bytes);
    size_t size() const { return size_; }
    // What was appended, as one string; the spool is empty after. Each block is given back to
    // the system as soon as it was copied, so that the peak is the part and one block.
    std::string take();

  private:
    // A block mapped from the system and unmapped when destroyed, so that its memory leaves the
    // process at once (a freed heap block would stay in the allocator's arena, resident).
    class Block {
      public:
        Block();
        ~Block();
        Block(Block&& o) noexcept;
        Block& operator=(Block&&) = delete;
        static constexpr size_t capacity = 1u << 20;
        char* data = nullptr;
        size_t used = 0;
    };

    static constexpr size_t head_capacity = 64u << 10;  // most parts end in it: no mapping
    std::string head_;
    std::vector<Block> blocks_;
    size_t size_ = 0;
};

}  // namespace flowgap::serve
