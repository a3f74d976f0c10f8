// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json post-processors (TemplateProcessing, ByteLevel, RobertaProcessing,
// BertProcessing, Sequence) for one sequence, and the stored truncation and padding.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

namespace {

class Template : public PostProcessor {
 public:
  // The single-sequence template: -1 for $A, else the index of a special token's ids.
  std::vector<int> pieces;
  std::vector<std::vector<int64_t>> special_ids;

  void process(std::vector<int64_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    std::vector<int64_t> out;
    out.reserve(ids.size() + added_tokens());
    for (int p : pieces) {
      if (p < 0) out.insert(out.end(), ids.begin(), ids.end());
      else out.insert(out.end(), special_ids[static_cast<size_t>(p)].begin(), special_ids[static_cast<size_t>(p)].end());
    }
    ids.swap(out);
  }
  size_t added_tokens() const override {
    size_t n = 0;
    for (int p : pieces)
      if (p >= 0) n += special_ids[static_cast<size_t>(p)].size();
    return n;
  }
};

class Wrap : public PostProcessor {  // Roberta / Bert for one sequence: CLS ids SEP
 public:
  Wrap(int64_t cls, int64_t sep) : cls_(cls), sep_(sep) {}
  void process(std::vector<int64_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    ids.insert(ids.begin(), cls_);
    ids.push_back(sep_);
  }
  size_t added_tokens() const override { return 2; }

 private:
  int64_t cls_, sep_;
};

class NoOp : public PostProcessor {  // ByteLevel only trims offsets
 public:
  void process(std::vector<int64_t>&, bool) const override {}
  size_t added_tokens() const override { return 0; }
};

class SequenceProcessor : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
  void process(std::vector<int64_t>& ids, bool add_special_tokens) const override {
    for (const auto& p : parts_) p->process(ids, add_special_tokens);
  }
  size_t added_tokens() const override {
    size_t n = 0;
    for (const auto& p : parts_) n += p->added_tokens();
    return n;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

std::unique_ptr<PostProcessor> parse_template(const Json& j, const JsonReader& reader, const std::string& key) {
  auto t = std::make_unique<Template>();
  const Json& specials = reader.need(j, "special_tokens", key);
  const std::string skey = sub_key(key, "special_tokens");
  if (!specials.is_object()) reader.fail(skey, "expected an object");
  std::unordered_map<std::string, int> index;
  for (auto it = specials.begin(); it != specials.end(); ++it) {
    const std::string k = skey + "[\"" + it.key() + "\"]";
    const Json& ids = reader.need(*it, "ids", k);
    const Json& tokens = reader.need(*it, "tokens", k);
    if (!ids.is_array() || !tokens.is_array() || ids.size() != tokens.size())
      reader.fail(k, "ids and tokens must be lists of the same length");
    std::vector<int64_t> v;
    for (const Json& id : ids) {
      if (!id.is_number_unsigned()) reader.fail(sub_key(k, "ids"), "expected token ids");
      v.push_back(id.get<int64_t>());
    }
    index[reader.string_of(*it, "id", k)] = static_cast<int>(t->special_ids.size());
    t->special_ids.push_back(std::move(v));
  }
  const Json& single = reader.need(j, "single", key);
  const std::string tkey = sub_key(key, "single");
  if (!single.is_array()) reader.fail(tkey, "expected a list of pieces");
  for (size_t i = 0; i < single.size(); ++i) {
    const Json& p = single[i];
    const std::string pkey = sub_key(tkey, i);
    if (p.is_object() && p.size() == 1 && p.contains("Sequence")) {
      if (reader.string_of(p["Sequence"], "id", sub_key(pkey, "Sequence")) != "A")
        reader.fail(pkey, "the single template can only hold sequence A");
      t->pieces.push_back(-1);
    } else if (p.is_object() && p.size() == 1 && p.contains("SpecialToken")) {
      const std::string id = reader.string_of(p["SpecialToken"], "id", sub_key(pkey, "SpecialToken"));
      auto it = index.find(id);
      if (it == index.end()) reader.fail(pkey, "special token '" + id + "' is not in special_tokens");
      t->pieces.push_back(it->second);
    } else {
      reader.fail(pkey, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
    }
  }
  return t;
}

int64_t token_pair_id(const Json& j, const char* name, const JsonReader& reader, const std::string& key) {
  const Json& v = reader.need(j, name, key);
  if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_number_unsigned())
    reader.fail(sub_key(key, name), "expected [token, id]");
  return v[1].get<int64_t>();
}

std::string direction_of(const Json& j, const JsonReader& reader, const std::string& key) {
  if (!j.contains("direction")) return "Right";
  const std::string d = reader.string_of(j, "direction", key);
  if (d != "Right" && d != "Left") reader.unsupported("direction", d, sub_key(key, "direction"));
  return d;
}

size_t size_of(const Json& j, const char* name, const JsonReader& reader, const std::string& key) {
  const int64_t v = reader.int_of(j, name, key);
  if (v < 0) reader.fail(sub_key(key, name), "expected a size");
  return static_cast<size_t>(v);
}

}  // namespace

std::unique_ptr<PostProcessor> parse_post_processor(const Json& j, const JsonReader& reader, const std::string& key) {
  const std::string type = reader.type_of(j, key);
  if (type == "TemplateProcessing") return parse_template(j, reader, key);
  if (type == "ByteLevel") return std::make_unique<NoOp>();
  if (type == "RobertaProcessing" || type == "BertProcessing")
    return std::make_unique<Wrap>(token_pair_id(j, "cls", reader, key), token_pair_id(j, "sep", reader, key));
  if (type == "Sequence") {
    const Json& list = reader.need(j, "processors", key);
    const std::string lkey = sub_key(key, "processors");
    if (!list.is_array()) reader.fail(lkey, "expected a list");
    std::vector<std::unique_ptr<PostProcessor>> parts;
    for (size_t i = 0; i < list.size(); ++i) parts.push_back(parse_post_processor(list[i], reader, sub_key(lkey, i)));
    return std::make_unique<SequenceProcessor>(std::move(parts));
  }
  reader.unsupported("post_processor", type, sub_key(key, "type"));
}

StoredLimits parse_stored_limits(const Json& root, const JsonReader& reader) {
  StoredLimits limits;
  if (auto it = root.find("truncation"); it != root.end() && !it->is_null()) {
    const Json& t = *it;
    limits.truncate = true;
    limits.max_length = size_of(t, "max_length", reader, "truncation");
    limits.stride = t.contains("stride") ? size_of(t, "stride", reader, "truncation") : 0;
    limits.truncate_left = direction_of(t, reader, "truncation") == "Left";
    const std::string strategy = t.contains("strategy") ? reader.string_of(t, "strategy", "truncation") : "LongestFirst";
    if (strategy != "LongestFirst" && strategy != "OnlyFirst")
      reader.unsupported("truncation strategy", strategy, "truncation.strategy");
  }
  if (auto it = root.find("padding"); it != root.end() && !it->is_null()) {
    const Json& p = *it;
    limits.pad = true;
    const Json& strategy = reader.need(p, "strategy", "padding");
    if (strategy.is_object() && strategy.contains("Fixed")) {
      limits.pad_length = size_of(strategy, "Fixed", reader, "padding.strategy");
    } else if (!(strategy.is_string() && strategy.get<std::string>() == "BatchLongest")) {
      reader.unsupported("padding strategy", strategy.dump(), "padding.strategy");
    }
    limits.pad_left = direction_of(p, reader, "padding") == "Left";
    if (auto m = p.find("pad_to_multiple_of"); m != p.end() && !m->is_null())
      limits.pad_multiple = size_of(p, "pad_to_multiple_of", reader, "padding");
    limits.pad_id = reader.int_of(p, "pad_id", "padding");
  }
  return limits;
}

void post_process(const PostProcessor* post, const StoredLimits* limits, bool add_special_tokens,
                  std::vector<int64_t>& ids) {
  if (limits != nullptr && limits->truncate) {
    const size_t added = post != nullptr ? post->added_tokens() : 0;
    size_t max_len = limits->max_length;
    // max_length below the special tokens wraps around in the (release-built) library: no cut.
    if (add_special_tokens && added > 0) max_len = max_len >= added ? max_len - added : SIZE_MAX;
    if (limits->max_length == 0) max_len = 0;
    if (max_len < ids.size()) {
      if (max_len > 0 && limits->stride >= max_len)
        throw std::invalid_argument("truncation stride must be below max_length minus the special tokens");
      if (limits->truncate_left) ids.erase(ids.begin(), ids.end() - static_cast<ptrdiff_t>(max_len));
      else ids.resize(max_len);
    }
  }
  if (post != nullptr) post->process(ids, add_special_tokens);
  if (limits != nullptr && limits->pad) {
    size_t target = limits->pad_length > 0 ? limits->pad_length : ids.size();
    if (limits->pad_multiple > 0 && target % limits->pad_multiple != 0)
      target += limits->pad_multiple - target % limits->pad_multiple;
    if (ids.size() < target) ids.insert(limits->pad_left ? ids.begin() : ids.end(), target - ids.size(), limits->pad_id);
  }
}

}  // namespace apiq::hf
