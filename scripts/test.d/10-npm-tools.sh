# Sourced by scripts/test: installs the npm test tools (Prism, GitHub's OpenAPI description, GitHub's example
# webhook payloads)
# into tests/contract/node_modules and tells the tests where they are. `npm ci` runs only when
# node_modules is missing or older than package-lock.json, so an unchanged checkout costs nothing.
contract_dir="$PWD/tests/contract"
if [[ -f "$contract_dir/package-lock.json" ]] && command -v npm >/dev/null 2>&1; then
    if [[ ! -d "$contract_dir/node_modules" || "$contract_dir/package-lock.json" -nt "$contract_dir/node_modules" ]]; then
        echo "scripts/test: installing the contract suite's npm tools (npm ci in tests/contract)"
        (cd "$contract_dir" && npm ci --no-audit --no-fund) && touch "$contract_dir/node_modules"
    fi
    if [[ -x "$contract_dir/node_modules/.bin/prism" ]]; then
        export EXESERVER_PRISM="$contract_dir/node_modules/.bin/prism"
        export EXESERVER_GITHUB_SPEC="$contract_dir/node_modules/@octokit/openapi/generated/api.github.com.json"
    fi
    if [[ -f "$contract_dir/node_modules/@octokit/webhooks-examples/api.github.com/index.json" ]]; then
        export EXESERVER_WEBHOOK_EXAMPLES="$contract_dir/node_modules/@octokit/webhooks-examples/api.github.com/index.json"
    fi
elif [[ "${CI:-}" == "true" ]]; then
    echo "scripts/test: npm is missing; the contract suite will fail" >&2
fi
unset contract_dir
