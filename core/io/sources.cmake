# Sources of core/io/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES finite_check.cpp safetensors.cpp safetensors_merge.cpp safetensors_write.cpp tensor_stats.cpp token_stream.cpp)
set(APIQ_LAYER_PLAIN_SOURCES chat_template.cpp chat_template_builtins.cpp chat_template_eval.cpp chat_template_lex.cpp chat_template_methods.cpp chat_template_ops.cpp chat_template_parse.cpp chat_template_parse_expr.cpp chat_template_text.cpp chat_template_value.cpp config.cpp hf_added_tokens.cpp hf_bpe.cpp hf_decoders.cpp hf_normalizers.cpp hf_pretokenizers.cpp hf_processors.cpp hf_regex.cpp hf_text.cpp hf_tokenizer.cpp safetensors_header.cpp tensor_names.cpp tokenizer.cpp)
