# SPDX-License-Identifier: GPL-3.0-or-later
"""The cases verify_chat_template.py renders with our renderer and with jinja2: conversations,
templates in the style of current chat models, expressions, and syntax errors."""

# ------------------------------------------------------------------ conversations

SYS = {"role": "system", "content": "You are a concise assistant."}
U1 = {"role": "user", "content": "What is 2 + 2?"}
A1 = {"role": "assistant", "content": "4."}
U2 = {"role": "user", "content": "And times 3?"}
A2 = {"role": "assistant", "content": "12."}
TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Current weather — in “quotes” for a city",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "City name, e.g. Zürich"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}},
    {"type": "function", "function": {"name": "noop", "description": "", "parameters": {"type": "object",
                                                                                      "properties": {}}}},
]
CALL = {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Zürich", "unit": "celsius"}}}

CONVERSATIONS = {
    "user_only": [U1],
    "system_user": [SYS, U1],
    "multi_turn": [SYS, U1, A1, U2],
    "multi_turn_no_system": [U1, A1, U2, A2],
    "empty_content": [{"role": "system", "content": ""}, {"role": "user", "content": ""},
                      {"role": "assistant", "content": ""}, {"role": "user", "content": " "}],
    "unicode": [{"role": "user", "content": "Grüße 👋🏽 — 你好, مرحبا, «ñ»\u00a0nbsp\u2028sep\ttab ΟΔΟΣ"},
                {"role": "assistant", "content": "Ünïcödé ✓ \"double\" 'single' back\\slash {{ not_a_tag }} {% no %}"},
                {"role": "user", "content": "ß → SS? İ, ǅ, ﬁ, 𝔘𝔫𝔦"}],
    "whitespace": [{"role": "system", "content": "\n\n  padded system  \n"},
                   {"role": "user", "content": "  leading and trailing  \n"},
                   {"role": "assistant", "content": "\nline1\n\n  line2\n"}, {"role": "user", "content": "\t"}],
    "thinking": [U1, {"role": "assistant", "content": "<think>\nLet me add.\n</think>\n\n4."}, U2,
                 {"role": "assistant", "content": "<think>\n\n</think>\n\n12."}],
    "tool_calls": [SYS, {"role": "user", "content": "Weather in Zürich?"},
                   {"role": "assistant", "content": "", "tool_calls": [CALL]},
                   {"role": "tool", "content": "{\"temperature\": 21}"}, {"role": "tool", "content": "sunny"},
                   {"role": "assistant", "content": "21 °C and sunny."}, {"role": "user", "content": "Thanks"}],
    "bad_role": [U1, {"role": "narrator", "content": "Once upon a time"}],
    "not_alternating": [U1, U2],
    "empty": [],
}

# ------------------------------------------------------------------ templates (written for this test)

T_LLAMA3 = """{{- bos_token }}
{%- set tools_first = tools_in_user_message if tools_in_user_message is defined else true %}
{%- set today = date_string | default('26 Jul 2024') %}
{%- if messages and messages[0]['role'] == 'system' %}
    {%- set system_text = messages[0]['content'] | trim %}
    {%- set turns = messages[1:] %}
{%- else %}
    {%- set system_text = '' %}
    {%- set turns = messages %}
{%- endif %}
{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}
{%- if tools is not none and not tools_first %}
    {{- 'Environment: ipython\\n' }}
{%- endif %}
{{- 'Cutting Knowledge Date: December 2023\\nToday Date: ' + today + '\\n\\n' }}
{%- if tools is not none and not tools_first %}
    {{- 'Call a function by answering with JSON {"name": ..., "parameters": ...}.\\n\\n' }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- '\\n\\n' }}
    {%- endfor %}
{%- endif %}
{{- system_text }}
{{- '<|eot_id|>' }}
{%- if tools is not none and tools_first and turns %}
    {%- set first = turns[0]['content'] | trim %}
    {%- set turns = turns[1:] %}
    {{- '<|start_header_id|>user<|end_header_id|>\\n\\nThese functions are available:\\n\\n' }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- '\\n\\n' }}
    {%- endfor %}
    {{- first + '<|eot_id|>' }}
{%- endif %}
{%- for m in turns %}
    {%- if m.role not in ['user', 'assistant', 'ipython', 'tool'] %}
        {{- raise_exception('Unknown role: ' ~ m.role) }}
    {%- endif %}
    {%- if m.tool_calls is defined and m.tool_calls %}
        {%- if m.tool_calls | length != 1 %}
            {{- raise_exception('Only one tool call per message is supported.') }}
        {%- endif %}
        {%- set call = m.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
        {{- '{"name": "' + call.name + '", "parameters": ' }}
        {{- call.arguments | tojson }}
        {{- '}<|eot_id|>' }}
    {%- elif m.role in ['ipython', 'tool'] %}
        {{- '<|start_header_id|>ipython<|end_header_id|>\\n\\n' }}
        {%- if m.content is mapping or (m.content is iterable and m.content is not string) %}
            {{- m.content | tojson }}
        {%- else %}
            {{- m.content }}
        {%- endif %}
        {{- '<|eot_id|>' }}
    {%- else %}
        {{- '<|start_header_id|>' + m.role + '<|end_header_id|>\\n\\n' + m.content | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

T_QWEN25 = """{%- if messages and messages[0].role == 'system' %}
    {%- set sys = messages[0].content %}
{%- else %}
    {%- set sys = 'You are a helpful assistant.' %}
{%- endif %}
<|im_start|>system
{{ sys }}
{%- if tools %}


# Tools

Function signatures are inside <tools></tools>:
<tools>
{%- for tool in tools %}
{{ tool | tojson }}
{%- endfor %}
</tools>

Reply with <tool_call></tool_call> tags holding {"name": <name>, "arguments": <args>}.
{%- endif %}
<|im_end|>
{% for message in messages %}
    {%- if message.role == 'system' and loop.first %}{% continue %}{% endif %}
    {%- if message.role == 'user' or (message.role == 'assistant' and not message.tool_calls) %}
<|im_start|>{{ message.role }}
{{ message.content }}<|im_end|>
    {%- elif message.role == 'assistant' %}
<|im_start|>assistant
        {%- if message.content %}

{{ message.content }}
        {%- endif %}
        {%- for tc in message.tool_calls %}
            {%- set fn = tc.function if tc.function is defined else tc %}

<tool_call>
{"name": "{{ fn.name }}", "arguments": {{ fn.arguments | tojson }}}
</tool_call>
        {%- endfor %}<|im_end|>
    {%- elif message.role == 'tool' %}
        {%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}
<|im_start|>user
        {%- endif %}

<tool_response>
{{ message.content }}
</tool_response>
        {%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}<|im_end|>{% endif %}
    {%- else %}
{{ raise_exception('Unsupported role ' + message.role) }}
    {%- endif %}
{% endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}
"""

T_QWEN3 = """{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}
    {%- set index = (messages|length - 1) - loop.index0 %}
    {%- if ns.multi_step_tool and message.role == 'user' and message.content is string
          and not (message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
        {%- set ns.multi_step_tool = false %}
        {%- set ns.last_query_index = index %}
    {%- endif %}
{%- endfor %}
{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0].role == 'system' %}{{- messages[0].content + '\\n\\n' }}{%- endif %}
    {{- '# Tools\\n<tools>' }}
    {%- for tool in tools %}{{- '\\n' }}{{- tool | tojson }}{%- endfor %}
    {{- '\\n</tools><|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- set content = message.content if message.content is string else '' %}
    {%- if message.role == 'system' and (not tools or not loop.first) or message.role == 'user' %}
        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == 'system' %}
    {%- elif message.role == 'assistant' %}
        {%- set reasoning = '' %}
        {%- if message.reasoning_content is string %}
            {%- set reasoning = message.reasoning_content %}
        {%- elif '</think>' in content %}
            {%- set reasoning = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
            {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index and (loop.last or reasoning) %}
            {{- '<|im_start|>assistant\\n<think>\\n' + reasoning.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
        {%- else %}
            {{- '<|im_start|>assistant\\n' + content }}
        {%- endif %}
        {%- for tc in message.tool_calls | default([]) %}
            {{- '\\n<tool_call>\\n{"name": "' + tc.function.name + '", "arguments": ' + tc.function.arguments | tojson + '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == 'tool' %}
        {%- if loop.previtem is not defined or loop.previtem.role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}
        {{- '\\n<tool_response>\\n' + content + '\\n</tool_response>' }}
        {%- if loop.nextitem is not defined or loop.nextitem.role != 'tool' %}{{- '<|im_end|>\\n' }}{%- endif %}
    {%- else %}
        {{- raise_exception('role ' ~ message.role ~ ' is not supported') }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\\n\\n</think>\\n\\n' }}
    {%- endif %}
{%- endif %}"""

T_MISTRAL = """{%- if messages and messages[0]['role'] == 'system' %}
    {%- set sys = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{{- bos_token }}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {%- if loop.first and sys is defined %}
            {{- ' [INST] ' + sys + '\\n\\n' + message['content'] + ' [/INST]' }}
        {%- else %}
            {{- ' [INST] ' + message['content'] + ' [/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] | trim + eos_token }}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported after an optional system message') }}
    {%- endif %}
{%- endfor %}
"""

T_GEMMA = """{{ bos_token }}
{%- if messages and messages[0]['role'] == 'system' -%}
    {%- set first_user_prefix = messages[0]['content'] | trim + '\\n\\n' -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}
<start_of_turn>{{ role }}
{{ (first_user_prefix if loop.first else "") ~ message['content'] | trim }}<end_of_turn>
{% endfor -%}
{%- if add_generation_prompt -%}
<start_of_turn>model
{% endif -%}
"""

T_CHATML = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            "{{ '<|im_start|>system\\nYou are a small, friendly assistant.<|im_end|>\\n' }}{% endif %}"
            "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")

T_PHI3_INDENTED = """{% for message in messages %}
    {% if message['role'] == 'system' %}
<|system|>
{{ message['content'] }}<|end|>
    {% elif message['role'] == 'user' %}
<|user|>
{{ message['content'] }}<|end|>
    {% elif message['role'] == 'assistant' %}
<|assistant|>
{{ message['content'] }}<|end|>
    {% else %}
        {{ raise_exception('bad role: ' + message['role']) }}
    {% endif %}
{% endfor %}
{% if add_generation_prompt %}
<|assistant|>
{% else %}
{{ eos_token }}
{% endif %}
"""

T_FEATURES = """{#- Less common features: macros, block set, raw, loop helpers, filter chains. -#}
{%- macro turn(role, text, last=false) -%}
[{{ role | upper }}{{ '*' if last }}] {{ text | trim | default('(empty)', true) }}
{%- endmacro -%}
{%- set roles = messages | map(attribute='role') | list -%}
{%- set counts = namespace(user=0, assistant=0, other=0) -%}
{%- for r in roles -%}
  {%- if r == 'user' %}{% set counts.user = counts.user + 1 %}{% elif r == 'assistant' %}{% set counts.assistant = counts.assistant + 1 %}{% else %}{% set counts.other = counts.other + 1 %}{% endif -%}
{%- endfor -%}
Roles: {{ roles | join(', ') }} ({{ roles | unique | list | length }} distinct; {{ counts.user }}u/{{ counts.assistant }}a/{{ counts.other }}o)
{% set header %}
  {%- for k, v in {'bos': bos_token, 'eos': eos_token}.items() -%}
    {{ k }}={{ v | tojson }}{{ '; ' if not loop.last }}
  {%- endfor -%}
{% endset -%}
Header: {{ header }}
{% raw %}Literal {{ braces }} and {% tags %}{% endraw %}

{% for m in messages -%}
{{ loop.cycle('>', '<') }} {{ turn(m.role, m.content, last=loop.last) }}{% if loop.previtem is defined %} (after {{ loop.previtem.role }}){% endif %}

{% if loop.index >= 5 %}{% break %}{% endif -%}
{% else -%}
(no messages)
{% endfor -%}
Users said: {{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | map('trim') | join(' / ') }}
Longest: {{ (messages | map(attribute='content') | map('length') | max) if messages else 0 }}
Tools: {{ tools | map(attribute='function.name') | join(',') if tools else 'none' }}
{% if messages %}Last: {{ messages[-1] | tojson }} {{ messages[-1].content[:5] }}|{{ messages[-1].content[-3:] | title }}{% endif %}

{{ 'Generation prompt follows.' if add_generation_prompt else 'No generation prompt.' }}
"""

TEMPLATES = {
    "llama3": (T_LLAMA3, [{}, {"date_string": "3 Mar 2025", "tools_in_user_message": False}]),
    "qwen25": (T_QWEN25, [{}]),
    "qwen3": (T_QWEN3, [{}, {"enable_thinking": False}, {"enable_thinking": True}]),
    "mistral": (T_MISTRAL, [{}]),
    "gemma": (T_GEMMA, [{}]),
    "chatml": (T_CHATML, [{}]),
    "phi3_indented": (T_PHI3_INDENTED, [{}]),
    "features": (T_FEATURES, [{}]),
}

# ------------------------------------------------------------------ expression cases

EXPR_CONTEXT = {
    "messages": CONVERSATIONS["tool_calls"], "tools": TOOLS, "n": 3, "f": 2.5, "s": "a,b", "e": "", "z": None,
    "bos_token": "<s>", "eos_token": "</s>", "d": {"b": 1, "a": [1.5, None, True], "items": "key"},
}
EXPRESSIONS = [
    "{{ n * f }}|{{ n // 2 }}|{{ n / 2 }}|{{ -7 // 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}|{{ 2 ** 10 }}|{{ -2 ** 2 }}|{{ 2 ** -1 }}",
    "{{ 0.1 + 0.2 }}|{{ 1e20 }}|{{ 1.5e-7 }}|{{ 1e16 }}|{{ 1e15 }}|{{ 0.0001 }}|{{ 0.00001 }}|{{ 10 / 4 }}|{{ 1.0 }}|{{ -0.0 }}",
    "{{ f | int }}|{{ '42.7' | int }}|{{ 'x' | int }}|{{ 'x' | int(7) }}|{{ '0x1A' | int(0, 16) }}|{{ n | float }}|{{ f | round }}|{{ 2.675 | round(2) }}|{{ 3 | round }}",
    "{{ s.split(',') }}|{{ '  a  b '.split() }}|{{ 'a-b-c'.split('-', 1) }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'xxaxx'.strip('x') }}|{{ 'x\\ny'.splitlines() }}",
    "{{ s | replace(',', ';') }}|{{ s.replace('a', 'A', 1) }}|{{ s.upper() }}|{{ s.title() }}|{{ s.startswith('a') }}|{{ s.endswith(('x', 'b')) }}",
    "{{ e is defined }}|{{ e | default('dflt') }}|{{ e | default('dflt', true) }}|{{ z | default('x') }}|{{ nope | default('u') }}|{{ z is none }}|{{ z }}|{{ nope }}",
    "{{ d }}|{{ d.items is callable }}|{{ d['items'] }}|{{ d.keys() | list }}|{{ d.get('b') }}|{{ d.get('q') }}|{{ d.get('q', 5) }}|{{ d.a[0] }}|{{ d.a.1 }}",
    "{{ d | tojson }}|{{ d | tojson(indent=2) }}|{{ d | tojson(sort_keys=true) }}|{{ d | tojson(separators=(',', ':')) }}|{{ 'é\\u2028\\x01' | tojson }}|{{ 'é' | tojson(ensure_ascii=true) }}",
    "{{ messages | selectattr('role', 'equalto', 'tool') | list | length }}|{{ messages | map(attribute='role') | join(', ') }}|{{ messages | rejectattr('tool_calls', 'defined') | list | count }}",
    "{{ (messages | last).role }}|{{ (messages | first)['role'] }}|{{ messages[1:] | length }}|{{ messages[::-1][0].role }}|{{ messages[-2:] | map(attribute='role') | list }}",
    "{{ 'abc'[::-1] }}|{{ 'abc'[1:] }}|{{ 'héllo'[1] }}|{{ 'héllo' | length }}|{{ 'héllo'[-4:-1] }}|{{ [1, 2, 3][-1] }}|{{ [1, 2][5] }}|{{ [1,2,3,4,5][::2] }}|{{ [1,2,3][5:1:-1] }}",
    "{{ 'a' if n > 2 else 'b' }}|{{ 'c' if n < 2 }}|{{ n > 2 and 'y' or 'z' }}|{{ not n }}|{{ z or 'fallback' }}|{{ e and 'no' }}|{{ 1 if 0 else 2 if 0 else 3 }}",
    "{{ '%s and %d' % ('x', 5) }}|{{ '%05.1f' % f }}|{{ '%-4s|' % 'ab' }}|{{ '%r' % s }}|{{ '%x' % 255 }}|{{ '%(a)s' % {'a': 1} }}|{{ '100%%' % () }}",
    "{{ [1, 2, 3] | sum }}|{{ [3, 1] | min }}|{{ ['b', 'A', 'a'] | sort }}|{{ ['b', 'A', 'a'] | unique | list }}|{{ [1, 2] | max }}|{{ [3, 1, 2] | sort(reverse=true) }}",
    "{{ 'Hello World' | lower }}|{{ 'hello world' | capitalize }}|{{ 'hello wOrld-x (y' | title }}|{{ \"it's a-b\".title() }}|{{ '  x  ' | trim }}|{{ 'xxhixx' | trim('x') }}",
    "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}|{{ 'a\\nb' | indent('> ', first=true) }}",
    "{{ range(5) | list }}|{{ range(1, 10, 3) | list }}|{{ range(5, 0, -2) | list }}|{{ range(3) }}|{{ range(0) | list }}",
    "{{ dict(a=1, b=2) }}|{{ namespace(a=1).a }}|{{ dict({'x': 1}, y=2) | tojson }}|{{ namespace(a=1) }}",
    "{{ 1 == 1.0 }}|{{ 'a' < 'b' }}|{{ [1, 2] == [1, 2] }}|{{ (1, 2) == [1, 2] }}|{{ {'a': 1} == {'a': 1} }}|{{ none == none }}|{{ 0 == false }}|{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}",
    "{{ '\\u00e9\\x41\\101\\n\\d\\'' }}|{{ \"it's\" }}|{{ 'say \"hi\"' }}|{{ 'a' 'b' }}|{{ 1_000 }}|{{ 0x1F }}|{{ 0o17 }}|{{ 0b101 }}|{{ 1e3 }}|{{ 1.5e-3 }}",
    "{{ [1, 'a', none, true, 1.5, [2], {'k': 'v'}] }}|{{ {'a': none, 'b': \"it's\"} }}|{{ ('x',) }}|{{ () }}|{{ 'tab\\there' ~ [\"q'\\\"\"] }}",
    "{{ n | string + 'x' }}|{{ n ~ f ~ z ~ e ~ nope }}|{{ [n] | string }}|{{ 'ab' * 3 }}|{{ [1] * 2 }}|{{ [1] + [2] }}|{{ true + 1 }}",
    "{{ 'ABC' is upper }}|{{ 'abc' is lower }}|{{ n is gt 2 }}|{{ n is ge 3 }}|{{ n is lt 4 }}|{{ n is ne 3 }}|{{ n is eq 3 }}|{{ 'a' is in 'abc' }}|{{ z is sameas none }}",
    "{{ d is mapping }}|{{ messages is sequence }}|{{ 'x' is string }}|{{ n is number }}|{{ f is float }}|{{ n is integer }}|{{ true is boolean }}|{{ n is odd }}|{{ n is even }}|{{ n is divisibleby 3 }}|{{ nope is iterable }}",
    "{{ 'ÉCOLE' | lower }}|{{ 'straße' | upper }}|{{ 'ΟΔΟΣ ΟΔΟΣ' | lower }}|{{ 'ǅx' | lower }}|{{ 'ǆx'.title() }}|{{ 'élan vital'.capitalize() }}|{{ 'Привет' | upper }}",
    "{% set x %}{% for m in messages %}{{ m.role[0] }}{% endfor %}{% endset %}{{ x }}|{% set y | upper | trim %} abc {% endset %}{{ y }}|{% set a, b = 1, 2 %}{{ a }}{{ b }}{{ (a, b) }}",
    "{% set c = 0 %}{% for i in [1, 2, 3] %}{% set c = c + i %}{{ c }}{% endfor %}|{{ c }}|{% for i in [1, 2] %}{{ q }}{% set q = i %}{{ q }}{% endfor %}|{{ q }}",
    "{% for i in range(6) %}{% if i == 4 %}{% break %}{% endif %}{% if i is odd %}{% continue %}{% endif %}{{ i }}{% endfor %}|{% for i in range(5) if i is odd %}{{ loop.index }}/{{ loop.length }}:{{ i }} {% endfor %}",
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{% for k in d %}{{ k }},{% endfor %}|{% for c in 'hé' %}[{{ c }}]{% endfor %}|{% for x in nope %}x{% else %}empty{% endfor %}",
    "{% macro m(a, b='q') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(b=3, a=4) }}{{ m() }}|{% macro r(k) %}{% if k > 0 %}{{ k }}{{ r(k - 1) }}{% endif %}{% endmacro %}{{ r(3) }}",
    "{{ messages[0].nokey is defined }}|{{ messages[0]['nokey'] is undefined }}|{{ messages[50] is defined }}|{{ tools[0].function.name }}|{{ none.x }}|{{ [1].x }}",
    "{{ 'user' in messages | map(attribute='role') | list }}|{{ 'city' in tools[0].function.parameters.properties }}|{{ 'x' not in s }}|{{ 1 in [1] in [[1]] }}|{{ 'b' in {'b': 1} }}",
    "{{ (messages | map(attribute='content') | map('length') | list) }}|{{ ['a', 'b'] | map('upper') | join('-') }}|{{ messages | map(attribute='nokey', default='-') | join }}",
    "{{ {'b': 1, 'a': 2} | dictsort }}|{{ {'a': 1} | items | list }}|{{ [1, 2] | reverse | list }}|{{ 'abc' | reverse }}|{{ [] | first }}|{{ 'abc' | last }}|{{ -3 | abs }}",
    "{{ '<a href=\"x\">&</a>' | e }}|{{ 'x' | safe }}|{{ none | string }}|{{ true | string | lower }}|{{ 'a' ~ 1 * 2 }}|{{ (1 + 2) * 3 }}|{{ not true == false }}|{{ 10 - 2 - 3 }}",
    "{{ 'ab' | list }}|{{ d | list }}|{{ d | length }}|{{ 'héllo' | list | length }}|{{ nope | length }}|{{ nope | list }}|{{ nope | join(',') }}|{{ nope | trim }}",
    "a\r\nb\rc\n{{ 'x' }}\r\n",
    "{{ x.y }}", "{{ nope + 1 }}", "{{ none + 1 }}", "{{ 'a' + 1 }}", "{% for x in none %}{% endfor %}", "{{ 1 / 0 }}",
    "{{ nope.strip() }}", "{{ z.strip() }}", "{{ nope | tojson }}", "{{ d.a.x.y }}", "{{ [] | last }}{{ ([] | last).x }}",
]

# Content given as a list of parts (multimodal), reasoning fields, {% generation %}, numbers from JSON.
PARTS_CONTEXT = {
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Look:"}, {"type": "image"},
                                              {"type": "text", "text": " nul\u0000here "}]},
                 {"role": "assistant", "content": "ok", "reasoning_content": "because"}],
    "add_generation_prompt": True, "x": 1.0, "big": 1e300, "neg": -0.5, "nested": {"a": {"b": {"c": [[], {}, [{}]]}}},
}
PARTS_EXPRESSIONS = [
    "{% for m in messages %}{% if m.content is string %}{{ m.content }}{% else %}{% for p in m.content %}"
    "{% if p.type == 'text' %}{{ p.text }}{% elif p.type == 'image' %}<image>{% endif %}{% endfor %}{% endif %}|{% endfor %}",
    "{% for m in messages %}{% generation %}[{{ m.role }}]{% endgeneration %}{% endfor %}",
    "{%- for m in messages %}{% set outer = loop %}{% for p in m.content if m.content is not string %}"
    "{{ outer.index }}.{{ loop.index }} {% endfor %}{% endfor %}",
    "{{ messages[0].content | selectattr('type', 'equalto', 'text') | map(attribute='text') | join }}{{ messages[0].content | length }}",
    "{{ x }} {{ big }} {{ neg }} {{ x | tojson }} {{ big | tojson }} {{ nested | tojson(indent=1) }} {{ nested }}",
    "{{ messages[1].reasoning_content is defined and messages[1].reasoning_content }}{{ messages[0].content[0].text is string }}",
    "{{ x is not defined or x is none }}{{ y is not defined or y is none }}{{ not x is defined }}",
    "{{ messages | tojson }}|{{ messages[0].content[2].text | trim }}|{{ messages[0].content[2].text | length }}",
    "{{ (messages | selectattr('reasoning_content', 'defined') | first).role }}",
    "{{ '<|user|>' + messages[0].content }}",
]

# ------------------------------------------------------------------ errors

SYNTAX_ERRORS = {
    "unclosed_if": "{% if x %}no end",
    "dangling_operator": "line one\n{{ 1 + }}",
    "for_without_iterable": "{% for x in %}{% endfor %}",
    "unknown_filter": "\n\n  {{ x | no_such_filter }}",
    "include": "{% include 'other.jinja' %}",
    "stray_endif": "text\n{% endif %}",
    "unterminated_string": "{{ 'abc }}",
    "unclosed_comment": "{# never closed",
    "break_outside_loop": "{% break %}",
    "unbalanced_paren": "{{ (1 + 2 }}",
}
