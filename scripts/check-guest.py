#!/usr/bin/env python3
"""Checks a guest .wasm against docs/guest-abi.md: it imports only
functions of the interfaces its world imports, each with the core type the
page gives, and exports exactly its world's functions (with their core
types), `memory`, `cabi_realloc` and `cabi_post_*` of those functions.

    scripts/check-guest.py GUEST.wasm [--world video-filter] [--all-imports] [--quiet]

The world is found from the exports when not given. `--all-imports` also
requires every function of the world's imported interfaces to be imported
(for Guests/Checks/ImportCoverage, which checks every SDK declaration). Prints the imports and
exports; exits 1 listing every problem. Needs nothing but Python 3: it reads
the module's import, function and export sections itself."""
import os, re, sys

ABI_PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'docs', 'guest-abi.md')
LOGGING = 'wasi:logging/logging@0.1.0-draft'
WORLD_IMPORTS = {
    'video-filter': ['types', LOGGING],
    'audio-filter': ['types', LOGGING],
    'encoded-transform': [LOGGING],
    'media-app': ['types', 'codec', 'capture', 'container', 'audio-mixer', 'playback', 'clock', LOGGING],
}


def module_name(interface):
    """The import module of an interface: `types` -> `wasi:media/types@0.1.0-draft`."""
    return interface if ':' in interface else f'wasi:media/{interface}@0.1.0-draft'
VALTYPES = {0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64'}


def leb(b, i):
    value = shift = 0
    while True:
        x = b[i]; i += 1
        value |= (x & 0x7f) << shift; shift += 7
        if x < 0x80:
            return value, i


def name(b, i):
    n, i = leb(b, i)
    return b[i:i + n].decode(), i + n


def core_type(params, results):
    text = ''
    if params: text += '(param ' + ' '.join(params) + ')'
    if results: text += (' ' if text else '') + '(result ' + ' '.join(results) + ')'
    return text


def read_module(path):
    """(imports, exports): imports as (module, field, kind, type text),
    exports as (name, kind, type text or None)."""
    b = open(path, 'rb').read()
    if b[:4] != b'\0asm':
        raise SystemExit(f'{path}: not a WebAssembly module')
    i, types, imports, functions, exports = 8, [], [], [], []
    imported_functions = 0
    while i < len(b):
        section = b[i]; i += 1
        size, i = leb(b, i); end = i + size
        if section == 1:
            n, i = leb(b, i)
            for _ in range(n):
                i += 1  # 0x60
                np, i = leb(b, i); params = [VALTYPES[x] for x in b[i:i + np]]; i += np
                nr, i = leb(b, i); results = [VALTYPES[x] for x in b[i:i + nr]]; i += nr
                types.append(core_type(params, results))
        elif section == 2:
            n, i = leb(b, i)
            for _ in range(n):
                module, i = name(b, i); field, i = name(b, i); kind = b[i]; i += 1
                if kind == 0:
                    t, i = leb(b, i); imports.append((module, field, 'func', types[t])); imported_functions += 1
                else:
                    imports.append((module, field, ['func', 'table', 'memory', 'global'][kind], None))
                    i = end  # only functions are allowed; stop reading here
                    break
        elif section == 3:
            n, i = leb(b, i)
            for _ in range(n):
                t, i = leb(b, i); functions.append(types[t])
        elif section == 7:
            n, i = leb(b, i)
            for _ in range(n):
                export, i = name(b, i); kind = b[i]; i += 1; index, i = leb(b, i)
                t = functions[index - imported_functions] if kind == 0 and index >= imported_functions else None
                exports.append((export, ['func', 'table', 'memory', 'global'][kind], t))
        i = end
    return imports, exports


def read_abi_page():
    """Core types from the page's section 3: {module: {field: type}} and
    {world: {export: type}}."""
    imports, exports, module, world = {}, {}, None, None
    for line in open(ABI_PAGE, encoding='utf-8'):
        heading = re.match(r'^`(wasi:[a-z-]+/[a-z-]+@[^`]+)`', line)
        if heading:
            module = heading.group(1); imports[module] = {}
            continue
        row = [c.strip() for c in line.strip().strip('|').split('|')] if line.startswith('|') else None
        if not row or len(row) < 2:
            continue
        if len(row) == 3 and row[1].startswith('`wasi:media/') and '#' in row[1]:
            if row[0]:
                world = row[0].strip('`')
            export = re.match(r'`([^`]*)`', row[1]).group(1)
            optional = '(may be absent)' in row[1]
            exports.setdefault(world, {})[export] = (re.match(r'`([^`]*)`', row[2]).group(1), optional)
            module = None
        elif module and len(row) == 2 and row[0].startswith('`') and row[1].startswith('`('):
            imports[module][row[0].strip('`')] = re.match(r'`([^`]*)`', row[1]).group(1)
    return imports, exports


def main():
    args = sys.argv[1:]
    quiet = '--quiet' in args
    all_imports = '--all-imports' in args
    args = [a for a in args if a not in ('--quiet', '--all-imports')]
    world = None
    if '--world' in args:
        k = args.index('--world'); world = args[k + 1]; del args[k:k + 2]
    if len(args) != 1:
        raise SystemExit(__doc__)
    path = args[0]
    imports, exports = read_module(path)
    abi_imports, abi_exports = read_abi_page()
    if world is None:
        names = {e[0] for e in exports}
        found = [w for w, fs in abi_exports.items() if names & {e for e, (_, o) in fs.items() if not o}]
        if len(found) != 1:
            raise SystemExit(f'{path}: exports match {len(found)} worlds ({", ".join(found) or "none"})')
        world = found[0]
    problems = []
    allowed = {module_name(i) for i in WORLD_IMPORTS[world]}
    for module, field, kind, t in imports:
        if module not in allowed:
            problems.append(f'imports {module} {field}: the {world} world does not import {module}')
        elif kind != 'func':
            problems.append(f'imports a {kind} {module} {field}')
        elif field not in abi_imports.get(module, {}):
            problems.append(f'imports {module} {field}: no such function')
        elif abi_imports[module][field] != t:
            problems.append(f'imports {module} {field} as {t}, docs/guest-abi.md says {abi_imports[module][field]}')
    if all_imports:
        imported = {(m, f) for m, f, _, _ in imports}
        for module in sorted(allowed):
            for field in abi_imports.get(module, {}):
                if (module, field) not in imported:
                    problems.append(f'does not import {module} {field}')
    expected = {e: t for e, (t, _) in abi_exports[world].items()}
    optional = {e for e, (_, o) in abi_exports[world].items() if o}
    for export, kind, t in exports:
        if export == 'memory' and kind == 'memory':
            continue
        if export == 'cabi_realloc':
            want = '(param i32 i32 i32 i32) (result i32)'
        elif export.startswith('cabi_post_') and export[len('cabi_post_'):] in abi_exports[world]:
            want = '(param i32)'
        elif export in expected:
            want = expected.pop(export)
        else:
            problems.append(f'exports {export}, which the {world} world does not have'); continue
        if t != want:
            problems.append(f'exports {export} as {t or kind}, docs/guest-abi.md says {want}')
    for export in expected:
        if export not in optional:
            problems.append(f'does not export {export}')
    for required in ('memory', 'cabi_realloc'):
        if required not in {e[0] for e in exports}:
            problems.append(f'does not export {required}')
    if not quiet:
        print(f'{os.path.basename(path)}: world {world}')
        for module, field, _, t in imports: print(f'  import {module} {field} {t}')
        for export, kind, t in exports: print(f'  export {export} {t or kind}')
    if problems:
        for p in problems: print(f'{path}: {p}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
