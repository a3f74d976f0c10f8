// SPDX-License-Identifier: GPL-3.0-or-later
// The BPE model of tokenizer.json: vocabulary, merges, byte fallback, unknown tokens, and a cache
// from pre-token to ids. The merge loop is the library's: lowest rank first, leftmost on ties.
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

namespace {

constexpr uint64_t kEmptySlot = ~uint64_t{0};
constexpr size_t kCacheCapacity = 200000;  // entries; the cache never changes results
constexpr size_t kCacheMaxWord = 256;      // bytes, as the library

struct Symbol {
  int32_t id;
  int32_t prev;
  int32_t next;
  uint32_t len;
};

// Ordered by (rank, position): the key packs both.
struct QueuedMerge {
  uint64_t key;
  int32_t new_id;
  uint32_t rank() const { return static_cast<uint32_t>(key >> 32); }
  uint32_t pos() const { return static_cast<uint32_t>(key); }
};

// A 4-ary min-heap: half the levels of a binary one, and the children share a cache line, which
// matters for the one long word of a file with no pre-tokenizer (Llama-2 style).
class MergeQueue {
 public:
  explicit MergeQueue(std::vector<QueuedMerge>& storage) : v_(storage) { v_.clear(); }
  bool empty() const { return v_.empty(); }
  void push(uint32_t rank, uint32_t pos, int32_t new_id) {
    const QueuedMerge x{(uint64_t(rank) << 32) | pos, new_id};
    size_t i = v_.size();
    v_.push_back(x);
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (v_[parent].key <= x.key) break;
      v_[i] = v_[parent];
      i = parent;
    }
    v_[i] = x;
  }
  QueuedMerge pop() {
    const QueuedMerge top = v_.front();
    const QueuedMerge last = v_.back();
    v_.pop_back();
    const size_t n = v_.size();
    if (n == 0) return top;
    size_t i = 0;
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      for (size_t c = first + 1; c < std::min(first + 4, n); ++c)
        if (v_[c].key < v_[best].key) best = c;
      if (last.key <= v_[best].key) break;
      v_[i] = v_[best];
      i = best;
    }
    v_[i] = last;
    return top;
  }

 private:
  std::vector<QueuedMerge>& v_;
};

size_t slot_of(uint64_t key, uint64_t mask) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & mask; }

}  // namespace

std::unique_ptr<BpeModel> BpeModel::parse(const Json& m, const JsonReader& reader, const std::string& key) {
  const std::string type = reader.type_of(m, key);
  if (type != "BPE" && !(type == "(no type)" && m.contains("merges"))) reader.unsupported("model", type, sub_key(key, "type"));
  auto model = std::unique_ptr<BpeModel>(new BpeModel());
  if (auto it = m.find("dropout"); it != m.end() && !it->is_null()) {
    if (!it->is_number()) reader.fail(sub_key(key, "dropout"), "expected a number or null");
    if (it->get<double>() != 0.0) reader.unsupported("model dropout", it->dump(), sub_key(key, "dropout"));
  }
  const auto optional_string = [&](const char* name) {
    auto it = m.find(name);
    if (it == m.end() || it->is_null()) return std::string();
    if (!it->is_string()) reader.fail(sub_key(key, name), "expected a string or null");
    return it->get<std::string>();
  };
  model->unk_token_ = optional_string("unk_token");
  model->prefix_ = optional_string("continuing_subword_prefix");
  model->suffix_ = optional_string("end_of_word_suffix");
  model->fuse_unk_ = reader.bool_of(m, "fuse_unk", key, 0);
  model->byte_fallback_ = reader.bool_of(m, "byte_fallback", key, 0);
  model->ignore_merges_ = reader.bool_of(m, "ignore_merges", key, 0);

  const Json& vocab = reader.need(m, "vocab", key);
  if (!vocab.is_object()) reader.fail(sub_key(key, "vocab"), "expected an object");
  model->vocab_.reserve(vocab.size());
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX)
      reader.fail(sub_key(key, "vocab") + "[\"" + it.key() + "\"]", "expected a token id");
    model->vocab_[it.key()] = static_cast<int32_t>(it->get<int64_t>());
    max_id = std::max(max_id, it->get<int64_t>());
  }
  model->id_to_token_.assign(static_cast<size_t>(max_id + 1), nullptr);
  for (const auto& [token, id] : model->vocab_) model->id_to_token_[static_cast<size_t>(id)] = &token;
  if (!model->unk_token_.empty()) {
    model->unk_id_ = static_cast<int32_t>(model->token_to_id(model->unk_token_));
  }
  for (int b = 0; b < 256; ++b) {
    char code[8];
    std::snprintf(code, sizeof code, "<0x%02X>", b);
    model->byte_ids_[b] = static_cast<int32_t>(model->token_to_id(code));
  }
  model->load_merges(reader.need(m, "merges", key), reader, sub_key(key, "merges"));
  return model;
}

// Merges as "a b" strings (exactly one space; "#version" lines skipped) or as [a, b] pairs. A
// repeated pair keeps its last rank, as the library's map does.
void BpeModel::load_merges(const Json& merges, const JsonReader& reader, const std::string& key) {
  if (!merges.is_array()) reader.fail(key, "expected a list");
  std::vector<std::pair<uint64_t, Merge>> entries;
  entries.reserve(merges.size());
  std::string joined;
  uint32_t rank = 0;
  for (size_t i = 0; i < merges.size(); ++i) {
    const Json& e = merges[i];
    std::string a, b;
    if (e.is_string()) {
      const std::string& line = e.get_ref<const std::string&>();
      if (line.rfind("#version", 0) == 0) continue;
      const size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
        reader.fail(sub_key(key, i), "merge '" + line + "' is not two tokens separated by one space");
      a = line.substr(0, space);
      b = line.substr(space + 1);
    } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
      a = e[0].get<std::string>();
      b = e[1].get<std::string>();
    } else {
      reader.fail(sub_key(key, i), "expected \"a b\" or [\"a\", \"b\"]");
    }
    const int64_t a_id = token_to_id(a), b_id = token_to_id(b);
    if (a_id < 0 || b_id < 0) reader.fail(sub_key(key, i), "merge token '" + (a_id < 0 ? a : b) + "' is not in the vocabulary");
    if (b.size() < prefix_.size()) reader.fail(sub_key(key, i), "merge token '" + b + "' is shorter than continuing_subword_prefix");
    joined.assign(a).append(b, prefix_.size(), std::string::npos);
    const int64_t new_id = token_to_id(joined);
    if (new_id < 0) reader.fail(sub_key(key, i), "merged token '" + joined + "' is not in the vocabulary");
    entries.push_back({pair_key(static_cast<int32_t>(a_id), static_cast<int32_t>(b_id)),
                       Merge{rank++, static_cast<int32_t>(new_id)}});
  }
  build_merge_table(entries);
}

void BpeModel::build_merge_table(std::vector<std::pair<uint64_t, Merge>>& entries) {
  size_t capacity = 16;
  while (capacity < entries.size() * 2) capacity *= 2;
  merge_slots_.assign(capacity, {kEmptySlot, Merge{0, 0}});
  merge_mask_ = capacity - 1;
  for (const auto& [k, merge] : entries) {
    size_t s = slot_of(k, merge_mask_);
    while (merge_slots_[s].first != kEmptySlot && merge_slots_[s].first != k) s = (s + 1) & merge_mask_;
    merge_slots_[s] = {k, merge};  // a later duplicate overwrites
  }
}

const BpeModel::Merge* BpeModel::find_merge(int32_t a, int32_t b) const {
  const uint64_t k = pair_key(a, b);
  for (size_t s = slot_of(k, merge_mask_);; s = (s + 1) & merge_mask_) {
    const auto& slot = merge_slots_[s];
    if (slot.first == k) return &slot.second;
    if (slot.first == kEmptySlot) return nullptr;
  }
}

int64_t BpeModel::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string* BpeModel::id_to_token(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(id_to_token_.size())) return nullptr;
  return id_to_token_[static_cast<size_t>(id)];
}

// The library's merge_word before merging: one symbol per character (prefix on all but the first,
// suffix on the last), else its "<0xAB>" bytes, else the unknown token (fused when fuse_unk).
void BpeModel::initial_symbols(std::string_view w, std::vector<int32_t>& ids, std::vector<uint32_t>& lens) const {
  thread_local std::string s;
  int32_t unk = -1;
  uint32_t unk_len = 0;
  for (size_t i = 0; i < w.size();) {
    const size_t n = utf8_len(static_cast<unsigned char>(w[i]));
    s.clear();
    if (i > 0) s += prefix_;
    s.append(w.data() + i, n);
    if (i + n >= w.size()) s += suffix_;
    i += n;
    if (auto it = vocab_.find(std::string_view(s)); it != vocab_.end()) {
      if (unk >= 0) ids.push_back(unk), lens.push_back(unk_len), unk = -1;
      ids.push_back(it->second), lens.push_back(static_cast<uint32_t>(n));
      continue;
    }
    if (byte_fallback_) {
      bool all = true;
      for (char c : s) all = all && byte_ids_[static_cast<unsigned char>(c)] >= 0;
      if (all) {  // a pending unknown stays pending here, as in the library
        for (char c : s) ids.push_back(byte_ids_[static_cast<unsigned char>(c)]), lens.push_back(1);
        continue;
      }
    }
    if (unk_token_.empty()) continue;  // no unknown token: the character is dropped
    if (unk_id_ < 0) throw std::invalid_argument("unk_token '" + unk_token_ + "' is not in the vocabulary");
    if (unk >= 0 && fuse_unk_) {
      unk_len += static_cast<uint32_t>(n);
      continue;
    }
    if (unk >= 0) ids.push_back(unk), lens.push_back(unk_len);
    unk = unk_id_;
    unk_len = static_cast<uint32_t>(n);
  }
  if (unk >= 0) ids.push_back(unk), lens.push_back(unk_len);
}

void BpeModel::merge_word(std::string_view w, std::vector<int32_t>& out) const {
  thread_local std::vector<int32_t> ids;
  thread_local std::vector<uint32_t> lens;
  thread_local std::vector<Symbol> sym;
  thread_local std::vector<QueuedMerge> heap_storage;
  ids.clear();
  lens.clear();
  initial_symbols(w, ids, lens);
  sym.clear();
  for (size_t i = 0; i < ids.size(); ++i)
    sym.push_back({ids[i], static_cast<int32_t>(i) - 1, i + 1 < ids.size() ? static_cast<int32_t>(i + 1) : -1, lens[i]});
  MergeQueue queue(heap_storage);
  for (size_t i = 0; i + 1 < sym.size(); ++i)
    if (const Merge* m = find_merge(sym[i].id, sym[i + 1].id)) queue.push(m->rank, static_cast<uint32_t>(i), m->new_id);
  while (!queue.empty()) {
    const QueuedMerge q = queue.pop();
    const uint32_t pos = q.pos();
    Symbol& cur = sym[pos];
    if (cur.len == 0 || cur.next < 0) continue;
    const Symbol right = sym[static_cast<size_t>(cur.next)];
    const Merge* now = find_merge(cur.id, right.id);
    if (now == nullptr || now->new_id != q.new_id) continue;  // stale entry, as the library tests it
    sym[static_cast<size_t>(cur.next)].len = 0;
    cur.id = q.new_id;
    cur.len += right.len;
    cur.next = right.next;
    if (right.next >= 0) sym[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(pos);
    if (cur.prev >= 0) {
      if (const Merge* m = find_merge(sym[static_cast<size_t>(cur.prev)].id, cur.id))
        queue.push(m->rank, static_cast<uint32_t>(cur.prev), m->new_id);
    }
    if (cur.next >= 0) {
      if (const Merge* m = find_merge(cur.id, sym[static_cast<size_t>(cur.next)].id))
        queue.push(m->rank, pos, m->new_id);
    }
  }
  for (const Symbol& s : sym)
    if (s.len != 0) out.push_back(s.id);
}

bool BpeModel::cached(std::string_view word, std::vector<int32_t>& out) const {
  std::shared_lock lock(cache_mutex_);
  auto it = cache_.find(word);
  if (it == cache_.end()) return false;
  out.insert(out.end(), it->second.begin(), it->second.end());
  return true;
}

void BpeModel::remember(std::string_view word, const std::vector<int32_t>& ids) const {
  if (word.size() >= kCacheMaxWord) return;
  std::unique_lock lock(cache_mutex_);
  if (cache_.size() < kCacheCapacity) cache_.emplace(std::string(word), ids);
}

void BpeModel::enable_long_word_cuts() {
  if (!prefix_.empty() || !suffix_.empty()) return;  // symbols would not be plain characters
  for (const auto& [token, id] : vocab_) {
    char32_t prev = 0;
    for (size_t i = 0; i < token.size(); i += utf8_len(static_cast<unsigned char>(token[i]))) {
      const char32_t c = utf8_at(token, i);
      if (i > 0) inner_pairs_[(uint64_t(prev) << 32) | c] = true;
      prev = c;
    }
    if (!token.empty() && utf8_len(static_cast<unsigned char>(token[0])) == token.size()) single_chars_[prev] = true;
  }
  cut_long_words_ = true;
}

// Between two characters that are tokens by themselves and never adjacent inside any token, no
// merge can join the symbols on either side (its result, a token, would hold the pair); so the
// parts merge alone exactly as inside the whole (the heap order restricted to a part is the
// part's own order), and unknown or byte-fallback characters never sit at a cut.
void BpeModel::merge_long_word(std::string_view w, std::vector<int32_t>& out) const {
  thread_local std::vector<int32_t> part_ids;
  const auto emit = [&](std::string_view part) {
    part_ids.clear();
    if (ignore_merges_ || !cached(part, part_ids)) {
      merge_word(part, part_ids);
      if (!ignore_merges_) remember(part, part_ids);
    }
    out.insert(out.end(), part_ids.begin(), part_ids.end());
  };
  size_t start = 0;
  char32_t prev = utf8_at(w, 0);
  bool prev_known = single_chars_.count(prev) != 0;
  for (size_t i = utf8_len(static_cast<unsigned char>(w[0])); i < w.size();) {
    const char32_t c = utf8_at(w, i);
    const bool known = single_chars_.count(c) != 0;
    if (prev_known && known && inner_pairs_.count((uint64_t(prev) << 32) | c) == 0) {
      emit(w.substr(start, i - start));
      start = i;
    }
    prev = c;
    prev_known = known;
    i += utf8_len(static_cast<unsigned char>(w[i]));
  }
  emit(w.substr(start));
}

void BpeModel::tokenize(std::string_view word, bool map_bytes, std::vector<int64_t>& out) const {
  if (word.empty()) return;
  thread_local std::vector<int32_t> ids;
  ids.clear();
  if (!cached(word, ids)) {
    thread_local std::string mapped;
    std::string_view w = word;
    if (map_bytes) {
      mapped.clear();
      append_byte_level(mapped, word);
      w = mapped;
    }
    auto whole = ignore_merges_ ? vocab_.find(w) : vocab_.end();
    if (whole != vocab_.end()) ids.push_back(whole->second);
    else if (cut_long_words_ && !map_bytes && w.size() > 64) merge_long_word(w, ids);
    else merge_word(w, ids);
    remember(word, ids);
  }
  out.insert(out.end(), ids.begin(), ids.end());
}

}  // namespace apiq::hf
