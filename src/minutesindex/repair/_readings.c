/* The candidate search of letter repair (danish.py), compiled: every reading of a token that the
 * OCR confusions allow and the lexicon accepts as one word or as a compound of known parts.
 *
 * It walks the token left to right, reading each position as read or through one of its
 * substitutions, and prunes a branch as soon as the part it is spelling begins no lexicon word.
 * The lexicon is a letter trie (about 620,000 nodes of 16 bytes for the Danish lexicon), so each
 * letter added to a part is one step down the trie, and no prefix string is ever built or hashed.
 * Each word's node holds its frequency, so the trie is the whole lexicon: built once per machine
 * (build_trie, trie_bytes), it is mapped from its file by every process (load_trie) and read in
 * place (trie_get), instead of each process parsing 750,000 words into a dict.
 *
 * Readings come back in the order the search finds them, which danish.py relies on (ties go to
 * the first found), so the walk takes its branches in this order: first a part ends here (directly,
 * then with a linking letter), then the letter as read, then each substitution in the order given.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* A trie node: its children are nodes[first : first + count], sorted by letter. */
typedef struct {
    Py_UCS4 letter;
    int32_t first;
    int32_t count;
    uint8_t word;     /* the path to this node spells a word */
    uint8_t spare;
    uint16_t value;   /* that word's value (a zipf frequency) in hundredths */
} Node;

typedef struct {
    Node *nodes;
    Py_ssize_t n_nodes;
    Py_buffer view; /* the buffer the nodes are read from (load_trie); else the nodes are owned */
    int mapped;
} Trie;

/* The head of trie_bytes(): a tag with the format's version, the node size and the node count. */
static const char TRIE_TAG[8] = {'M', 'I', 'T', 'R', 'I', 'E', '0', '1'};
typedef struct {
    char tag[8];
    uint32_t node_size;
    uint32_t n_nodes;
} TrieHead;

static const char TRIE_CAPSULE[] = "minutesindex.repair._readings.Trie";

typedef struct {
    Py_ssize_t width; /* letters of the token the substitution reads */
    Py_UCS4 *cased;   /* what it writes into the reading */
    Py_ssize_t cased_len;
    Py_UCS4 lower; /* the same, lower case, for the lexicon */
    double cost;
} Option;

#define MAX_HEADS 6

typedef struct {
    /* the token */
    Py_ssize_t end;
    int token_kind, lowered_kind;
    const void *token_data, *lowered_data;
    Py_ssize_t lowered_len;
    Option **options; /* per position, a run of n_options[i] */
    Py_ssize_t *n_options;
    int max_subs;
    /* the lexicon */
    const Node *nodes;
    Py_ssize_t min_part;
    int max_heads;
    const Py_UCS4 *linkers;
    Py_ssize_t n_linkers;
    /* the reading so far */
    Py_UCS4 *out; /* the reading, cased as written */
    Py_UCS4 *low; /* its parts, lower case, one after another */
    Py_ssize_t bounds[MAX_HEADS + 1]; /* where each part starts in `low` */
    Option *all_options;      /* the options' storage (read_options) */
    Py_UCS4 *option_letters;  /* the letters they write */
    PyObject *found; /* list of (reading, substitutions, cost, parts) */
    /* Where only the readings that can matter are wanted (fewest_compound_readings), each reading is
     * kept here as found, and only those kept become Python objects. */
    int collect;
    struct Reading *readings;
    Py_ssize_t n_readings, readings_cap;
    Py_UCS4 *letters; /* each reading's text, then its parts, one after another */
    Py_ssize_t n_letters, letters_cap;
} Search;

typedef struct Reading {
    Py_ssize_t start;      /* its text at letters[start : start + text_len], its parts after it */
    Py_ssize_t text_len, low_len;
    Py_ssize_t bounds[MAX_HEADS + 1]; /* where each part starts, in its parts */
    int n_parts, subs;
    double cost;
    uint64_t hash;         /* of its text */
    Py_ssize_t text;       /* which distinct text it is, numbered in the order first found */
    Py_ssize_t next;       /* the next reading of the same text, or -1 */
} Reading;

/* The child of `node` for letter `c`, or -1. */
static inline int32_t child(const Node *nodes, int32_t node, Py_UCS4 c) {
    int32_t lo = nodes[node].first, end = lo + nodes[node].count, hi = end;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (nodes[mid].letter < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && nodes[lo].letter == c ? lo : -1;
}

static int collect(Search *s, Py_ssize_t out_len, Py_ssize_t low_len, int n_heads, int subs, double cost) {
    if (s->n_readings == s->readings_cap) {
        Py_ssize_t cap = s->readings_cap ? 2 * s->readings_cap : 64;
        Reading *grown = PyMem_Realloc(s->readings, cap * sizeof(Reading));
        if (grown == NULL) return PyErr_NoMemory(), -1;
        s->readings = grown;
        s->readings_cap = cap;
    }
    if (s->n_letters + out_len + low_len > s->letters_cap) {
        Py_ssize_t cap = s->letters_cap ? 2 * s->letters_cap : 1024;
        while (cap < s->n_letters + out_len + low_len) cap *= 2;
        Py_UCS4 *grown = PyMem_Realloc(s->letters, cap * sizeof(Py_UCS4));
        if (grown == NULL) return PyErr_NoMemory(), -1;
        s->letters = grown;
        s->letters_cap = cap;
    }
    Reading *r = &s->readings[s->n_readings++];
    r->start = s->n_letters;
    r->text_len = out_len;
    r->low_len = low_len;
    r->n_parts = n_heads + 1;
    memcpy(r->bounds, s->bounds, sizeof(r->bounds));
    r->subs = subs;
    r->cost = cost;
    memcpy(s->letters + s->n_letters, s->out, out_len * sizeof(Py_UCS4));
    memcpy(s->letters + s->n_letters + out_len, s->low, low_len * sizeof(Py_UCS4));
    s->n_letters += out_len + low_len;
    uint64_t hash = 14695981039346656037ULL; /* FNV-1a */
    for (Py_ssize_t k = 0; k < out_len; k++) hash = (hash ^ s->out[k]) * 1099511628211ULL;
    r->hash = hash;
    return 0;
}

/* A reading as the Python tuple (reading, substitutions, cost, parts); `out` its text, `low` its
 * parts one after another, starting at bounds[0 .. n_heads]. */
static PyObject *reading_tuple(const Py_UCS4 *out, Py_ssize_t out_len, const Py_UCS4 *low, Py_ssize_t low_len,
                               const Py_ssize_t *bounds, int n_heads, int subs, double cost) {
    PyObject *parts = PyTuple_New(n_heads + 1);
    if (parts == NULL) return NULL;
    for (int k = 0; k <= n_heads; k++) {
        Py_ssize_t start = bounds[k], stop = k < n_heads ? bounds[k + 1] : low_len;
        PyObject *part = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, low + start, stop - start);
        if (part == NULL) {
            Py_DECREF(parts);
            return NULL;
        }
        PyTuple_SET_ITEM(parts, k, part);
    }
    PyObject *text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, out_len);
    if (text == NULL) {
        Py_DECREF(parts);
        return NULL;
    }
    return Py_BuildValue("(NidN)", text, subs, cost, parts);
}

static int emit(Search *s, Py_ssize_t out_len, Py_ssize_t low_len, int n_heads, int subs, double cost) {
    if (s->collect) return collect(s, out_len, low_len, n_heads, subs, cost);
    PyObject *reading = reading_tuple(s->out, out_len, s->low, low_len, s->bounds, n_heads, subs, cost);
    if (reading == NULL) return -1;
    int failed = PyList_Append(s->found, reading);
    Py_DECREF(reading);
    return failed;
}

/* `n_heads` parts are complete; the current part is low[bounds[n_heads]:low_len], and spells the
 * path to trie node `node`. */
static int walk(Search *s, Py_ssize_t i, Py_ssize_t out_len, Py_ssize_t low_len, int32_t node, int subs, double cost,
                int n_heads) {
    Py_ssize_t part_len = low_len - s->bounds[n_heads];
    int word = s->nodes[node].word;
    if (i == s->end) {
        if (word && (n_heads == 0 || part_len >= s->min_part)) return emit(s, out_len, low_len, n_heads, subs, cost);
        return 0;
    }
    Py_UCS4 here = PyUnicode_READ(s->token_kind, s->token_data, i);
    if (word && part_len >= s->min_part && n_heads < s->max_heads) {
        s->bounds[n_heads + 1] = low_len;
        if (walk(s, i, out_len, low_len, 0, subs, cost, n_heads + 1) < 0) return -1;
        int linker = 0;
        for (Py_ssize_t k = 0; k < s->n_linkers; k++) linker |= s->linkers[k] == here;
        if (linker && i + 1 < s->end) {
            s->bounds[n_heads + 1] = low_len;
            s->out[out_len] = here;
            if (walk(s, i + 1, out_len + 1, low_len, 0, subs, cost, n_heads + 1) < 0) return -1;
        }
    }
    int32_t next;
    if (i < s->lowered_len) {
        Py_UCS4 c = PyUnicode_READ(s->lowered_kind, s->lowered_data, i);
        next = child(s->nodes, node, c);
        if (next >= 0) {
            s->out[out_len] = here;
            s->low[low_len] = c;
            if (walk(s, i + 1, out_len + 1, low_len + 1, next, subs, cost, n_heads) < 0) return -1;
        }
    }
    if (subs >= s->max_subs) return 0;
    for (Py_ssize_t k = 0; k < s->n_options[i]; k++) {
        const Option *o = &s->options[i][k];
        next = child(s->nodes, node, o->lower);
        if (next < 0) continue;
        memcpy(s->out + out_len, o->cased, o->cased_len * sizeof(Py_UCS4));
        s->low[low_len] = o->lower;
        if (walk(s, i + o->width, out_len + o->cased_len, low_len + 1, next, subs + 1, cost + o->cost, n_heads) < 0)
            return -1;
    }
    return 0;
}

/* Copy the options (per position, a tuple of (width, cased, lower, cost)) into s->options. */
static int read_options(Search *s, PyObject *options, Option **all, Py_UCS4 **letters, Py_ssize_t *longest) {
    Py_ssize_t n_all = 0, written = 0;
    for (Py_ssize_t i = 0; i < s->end; i++) {
        PyObject *here = PyList_GET_ITEM(options, i);
        if (!PyTuple_Check(here)) {
            PyErr_SetString(PyExc_TypeError, "each position's options must be a tuple");
            return -1;
        }
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(here); k++) {
            PyObject *option = PyTuple_GET_ITEM(here, k);
            if (!PyTuple_Check(option) || PyTuple_GET_SIZE(option) != 4 ||
                !PyUnicode_Check(PyTuple_GET_ITEM(option, 1)) || !PyUnicode_Check(PyTuple_GET_ITEM(option, 2)) ||
                PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(option, 2)) != 1) {
                PyErr_SetString(PyExc_TypeError, "an option is a tuple (width, cased, lower, cost), lower one letter");
                return -1;
            }
            written += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(option, 1));
            n_all++;
        }
    }
    *all = PyMem_Calloc(n_all + 1, sizeof(Option));
    *letters = PyMem_Calloc(written + 1, sizeof(Py_UCS4));
    s->options = PyMem_Calloc(s->end + 1, sizeof(Option *));
    s->n_options = PyMem_Calloc(s->end + 1, sizeof(Py_ssize_t));
    if (*all == NULL || *letters == NULL || s->options == NULL || s->n_options == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Option *next = *all;
    Py_UCS4 *next_letter = *letters;
    *longest = 1;
    for (Py_ssize_t i = 0; i < s->end; i++) {
        PyObject *here = PyList_GET_ITEM(options, i);
        s->options[i] = next;
        s->n_options[i] = PyTuple_GET_SIZE(here);
        for (Py_ssize_t k = 0; k < s->n_options[i]; k++, next++) {
            PyObject *option = PyTuple_GET_ITEM(here, k);
            PyObject *cased = PyTuple_GET_ITEM(option, 1);
            next->width = PyLong_AsSsize_t(PyTuple_GET_ITEM(option, 0));
            next->cost = PyFloat_AsDouble(PyTuple_GET_ITEM(option, 3));
            if (PyErr_Occurred()) return -1;
            if (next->width < 1 || i + next->width > s->end) {
                PyErr_SetString(PyExc_ValueError, "an option reads one or more letters within the token");
                return -1;
            }
            next->lower = PyUnicode_READ_CHAR(PyTuple_GET_ITEM(option, 2), 0);
            next->cased_len = PyUnicode_GET_LENGTH(cased);
            next->cased = next_letter;
            if (PyUnicode_AsUCS4(cased, next_letter, next->cased_len, 0) == NULL) return -1;
            next_letter += next->cased_len;
            if (next->cased_len > *longest) *longest = next->cased_len;
        }
    }
    return 0;
}

/* Run the search of compound_readings on its arguments: the readings go to s->found, or where
 * s->collect is set, to s->readings. Returns -1 on an error; the caller frees the search (free_search). */
static int run_search(Search *s, PyObject *args, const char *format) {
    PyObject *token, *lowered, *options, *trie, *linkers;
    int max_subs, max_heads;
    Py_ssize_t min_part;
    if (!PyArg_ParseTuple(args, format, &token, &lowered, &PyList_Type, &options, &max_subs, &trie, &min_part,
                          &max_heads, &linkers))
        return -1;
    Trie *lexicon = PyCapsule_GetPointer(trie, TRIE_CAPSULE);
    if (lexicon == NULL) return -1;
    s->end = PyUnicode_GET_LENGTH(token);
    if (PyList_GET_SIZE(options) != s->end) {
        PyErr_SetString(PyExc_ValueError, "options must have one entry per letter of the token");
        return -1;
    }
    if (max_heads < 0 || max_heads > MAX_HEADS) {
        PyErr_Format(PyExc_ValueError, "max_heads must be between 0 and %d", MAX_HEADS);
        return -1;
    }
    s->token_kind = PyUnicode_KIND(token);
    s->token_data = PyUnicode_DATA(token);
    s->lowered_kind = PyUnicode_KIND(lowered);
    s->lowered_data = PyUnicode_DATA(lowered);
    s->lowered_len = PyUnicode_GET_LENGTH(lowered);
    s->max_subs = max_subs;
    s->nodes = lexicon->nodes;
    s->min_part = min_part;
    s->max_heads = max_heads;
    s->n_linkers = PyUnicode_GET_LENGTH(linkers);
    s->linkers = PyUnicode_AsUCS4Copy(linkers);
    Py_ssize_t longest = 1;
    if (s->linkers == NULL || read_options(s, options, &s->all_options, &s->option_letters, &longest) < 0) return -1;
    s->out = PyMem_Calloc(s->end * longest + 1, sizeof(Py_UCS4));
    s->low = PyMem_Calloc(s->end + 1, sizeof(Py_UCS4));
    if (s->out == NULL || s->low == NULL) return PyErr_NoMemory(), -1;
    if (!s->collect && (s->found = PyList_New(0)) == NULL) return -1;
    return walk(s, 0, 0, 0, 0, 0, 0.0, 0);
}

static void free_search(Search *s) {
    PyMem_Free(s->out);
    PyMem_Free(s->low);
    PyMem_Free(s->all_options);
    PyMem_Free(s->option_letters);
    PyMem_Free(s->options);
    PyMem_Free(s->n_options);
    PyMem_Free((void *)s->linkers);
    PyMem_Free(s->readings);
    PyMem_Free(s->letters);
}

static PyObject *compound_readings(PyObject *self, PyObject *args) {
    Search s = {0};
    if (run_search(&s, args, "UUO!iOniU:compound_readings") < 0) Py_CLEAR(s.found);
    free_search(&s);
    return s.found;
}

/* Number each collected reading's text in the order first found (Reading.text), chaining the
 * readings of a text (Reading.next) from first[text]. Returns the number of texts, or -1. */
static Py_ssize_t number_texts(Search *s, Py_ssize_t *first, Py_ssize_t *last) {
    Py_ssize_t n = s->n_readings, slots = 16, n_texts = 0;
    while (slots < 2 * n) slots *= 2;
    Py_ssize_t *table = PyMem_Malloc(slots * sizeof(Py_ssize_t)); /* a reading of each text, or -1 */
    if (table == NULL) return PyErr_NoMemory(), -1;
    for (Py_ssize_t k = 0; k < slots; k++) table[k] = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Reading *r = &s->readings[i];
        Py_ssize_t slot = (Py_ssize_t)(r->hash & (uint64_t)(slots - 1));
        for (;; slot = (slot + 1) & (slots - 1)) {
            Py_ssize_t j = table[slot];
            if (j < 0) {
                table[slot] = i;
                r->text = n_texts;
                first[n_texts] = last[n_texts] = i;
                n_texts++;
                break;
            }
            Reading *other = &s->readings[j];
            if (other->hash == r->hash && other->text_len == r->text_len &&
                memcmp(s->letters + other->start, s->letters + r->start, r->text_len * sizeof(Py_UCS4)) == 0) {
                r->text = other->text;
                s->readings[last[r->text]].next = i;
                last[r->text] = i;
                break;
            }
        }
        r->next = -1;
    }
    PyMem_Free(table);
    return n_texts;
}

/* fewest_readings(compound_readings(...)) (readings.py_fewest_readings), with no Python object made
 * for a reading it drops. */
static PyObject *fewest_compound_readings(PyObject *self, PyObject *args) {
    Search s = {0};
    s.collect = 1;
    PyObject *kept = NULL;
    Py_ssize_t n = 0, *first = NULL, *last = NULL, *best_subs = NULL, *best_parts = NULL;
    if (run_search(&s, args, "UUO!iOniU:fewest_compound_readings") < 0) goto done;
    n = s.n_readings;
    first = PyMem_New(Py_ssize_t, n + 1);
    last = PyMem_New(Py_ssize_t, n + 1);
    best_subs = PyMem_New(Py_ssize_t, n + 1);
    best_parts = PyMem_New(Py_ssize_t, n + 1);
    if (!first || !last || !best_subs || !best_parts) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t n_texts = number_texts(&s, first, last);
    if (n_texts < 0) goto done;
    /* Per text, its fewest substitutions, then its fewest parts; the fewest parts of any changed text. */
    Py_ssize_t fewest_parts = 0;
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        best_subs[t] = s.readings[first[t]].subs;
        best_parts[t] = s.readings[first[t]].n_parts;
        for (Py_ssize_t i = first[t]; i >= 0; i = s.readings[i].next) {
            Reading *r = &s.readings[i];
            if (r->subs < best_subs[t] || (r->subs == best_subs[t] && r->n_parts < best_parts[t])) {
                best_subs[t] = r->subs;
                best_parts[t] = r->n_parts;
            }
        }
        if (best_subs[t] && (fewest_parts == 0 || best_parts[t] < fewest_parts)) fewest_parts = best_parts[t];
    }
    if ((kept = PyList_New(0)) == NULL) goto done;
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        if (best_subs[t] && best_parts[t] > fewest_parts) continue;
        for (Py_ssize_t i = first[t]; i >= 0; i = s.readings[i].next) {
            Reading *r = &s.readings[i];
            if (r->subs != best_subs[t]) continue;
            if (r->n_parts != best_parts[t] && !(best_parts[t] == 1 && r->n_parts == 2)) continue;
            const Py_UCS4 *text = s.letters + r->start;
            PyObject *reading =
                reading_tuple(text, r->text_len, text + r->text_len, r->low_len, r->bounds, r->n_parts - 1, r->subs,
                              r->cost);
            if (reading == NULL || PyList_Append(kept, reading) < 0) {
                Py_XDECREF(reading);
                Py_CLEAR(kept);
                goto done;
            }
            Py_DECREF(reading);
        }
    }
done:
    PyMem_Free(first);
    PyMem_Free(last);
    PyMem_Free(best_subs);
    PyMem_Free(best_parts);
    free_search(&s);
    return kept;
}

/* Per position of the token, the options of the substitution sources that start there: `table`
 * maps a first letter to a list of (source, (options in an all-caps token, at the start of a
 * word, inside one)), and the options of every source that matches are concatenated. */
static PyObject *substitution_options(PyObject *self, PyObject *args) {
    PyObject *token, *table;
    int in_caps;
    if (!PyArg_ParseTuple(args, "UO!p:substitution_options", &token, &PyDict_Type, &table, &in_caps)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(token);
    PyObject *none = PyTuple_New(0), *options = PyList_New(n);
    if (none == NULL || options == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *letter = PyUnicode_Substring(token, i, i + 1);
        if (letter == NULL) goto fail;
        PyObject *sources = PyDict_GetItemWithError(table, letter);
        Py_DECREF(letter);
        if (sources == NULL && PyErr_Occurred()) goto fail;
        if (sources != NULL && !PyList_Check(sources)) {
            PyErr_SetString(PyExc_TypeError, "the table maps a letter to a list of (source, (3 option tuples))");
            goto fail;
        }
        PyObject *here = Py_NewRef(none);
        for (Py_ssize_t k = 0; sources != NULL && k < PyList_GET_SIZE(sources); k++) {
            PyObject *entry = PyList_GET_ITEM(sources, k);
            if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2 ||
                !PyUnicode_Check(PyTuple_GET_ITEM(entry, 0)) || !PyTuple_Check(PyTuple_GET_ITEM(entry, 1)) ||
                PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 1)) != 3) {
                PyErr_SetString(PyExc_TypeError, "the table maps a letter to a list of (source, (3 option tuples))");
                Py_DECREF(here);
                goto fail;
            }
            if (PyUnicode_Tailmatch(token, PyTuple_GET_ITEM(entry, 0), i, n, -1) != 1) continue;
            PyObject *written = PyTuple_GET_ITEM(PyTuple_GET_ITEM(entry, 1), in_caps ? 0 : i == 0 ? 1 : 2);
            PyObject *longer = PySequence_Concat(here, written);
            Py_DECREF(here);
            if (longer == NULL) goto fail;
            here = longer;
        }
        PyList_SET_ITEM(options, i, here);
    }
    Py_DECREF(none);
    return options;

fail:
    Py_XDECREF(none);
    Py_XDECREF(options);
    return NULL;
}

static void free_trie(PyObject *capsule) {
    Trie *trie = PyCapsule_GetPointer(capsule, TRIE_CAPSULE);
    if (trie != NULL) {
        if (trie->mapped)
            PyBuffer_Release(&trie->view);
        else
            PyMem_Free(trie->nodes);
        PyMem_Free(trie);
    }
}

/* Give trie node `node` the children for words[lo:hi], which share its prefix of length `depth`,
 * at nodes[*used:], then build their subtrees after them. */
static void fill(Trie *trie, PyObject **words, const uint16_t *values, Py_ssize_t lo, Py_ssize_t hi,
                 Py_ssize_t depth, int32_t node, Py_ssize_t *used) {
    if (lo < hi && PyUnicode_GET_LENGTH(words[lo]) == depth) { /* the prefix itself sorts first */
        trie->nodes[node].word = 1;
        trie->nodes[node].value = values != NULL ? values[lo] : 0;
        lo++;
    }
    int32_t first = (int32_t)*used, count = 0;
    for (Py_ssize_t k = lo; k < hi; k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(words[k], depth);
        if (count == 0 || trie->nodes[first + count - 1].letter != c) trie->nodes[first + count++].letter = c;
    }
    trie->nodes[node].first = first;
    trie->nodes[node].count = count;
    *used += count;
    Py_ssize_t start = lo;
    for (int32_t k = 0; k < count; k++) {
        Py_ssize_t stop = start;
        while (stop < hi && PyUnicode_READ_CHAR(words[stop], depth) == trie->nodes[first + k].letter) stop++;
        fill(trie, words, values, start, stop, depth + 1, first + k, used);
        start = stop;
    }
}

static PyObject *build_trie(PyObject *self, PyObject *args) {
    PyObject *arg, *value_list = Py_None;
    if (!PyArg_ParseTuple(args, "O!|O:build_trie", &PyList_Type, &arg, &value_list)) return NULL;
    PyObject **words = PySequence_Fast_ITEMS(arg);
    Py_ssize_t n = PyList_GET_SIZE(arg), n_nodes = 1;
    if (value_list != Py_None && (!PyList_Check(value_list) || PyList_GET_SIZE(value_list) != n)) {
        PyErr_SetString(PyExc_TypeError, "build_trie's values are a list of one number per word");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!PyUnicode_Check(words[k]) || (k > 0 && PyUnicode_Compare(words[k - 1], words[k]) >= 0)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "build_trie takes a sorted list of distinct words");
            return NULL;
        }
        /* Each word adds a node for every letter past what it shares with the word before it. */
        Py_ssize_t shared = 0, length = PyUnicode_GET_LENGTH(words[k]);
        if (k > 0) {
            Py_ssize_t before = PyUnicode_GET_LENGTH(words[k - 1]);
            while (shared < length && shared < before &&
                   PyUnicode_READ_CHAR(words[k], shared) == PyUnicode_READ_CHAR(words[k - 1], shared))
                shared++;
        }
        n_nodes += length - shared;
    }
    if (n_nodes > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many words for the trie");
        return NULL;
    }
    uint16_t *values = NULL;
    if (value_list != Py_None) {
        values = PyMem_Calloc(n + 1, sizeof(uint16_t));
        if (values == NULL) return PyErr_NoMemory();
        for (Py_ssize_t k = 0; k < n; k++) {
            double v = PyFloat_AsDouble(PyList_GET_ITEM(value_list, k));
            if (v == -1.0 && PyErr_Occurred()) {
                PyMem_Free(values);
                return NULL;
            }
            if (!(v >= 0.0 && v * 100.0 < 65535.5)) {
                PyMem_Free(values);
                PyErr_SetString(PyExc_ValueError, "a trie value is a number from 0 to 655.35");
                return NULL;
            }
            values[k] = (uint16_t)(v * 100.0 + 0.5);
        }
    }
    Trie *trie = PyMem_Calloc(1, sizeof(Trie));
    Node *nodes = PyMem_Calloc(n_nodes, sizeof(Node));
    if (trie == NULL || nodes == NULL) {
        PyMem_Free(trie);
        PyMem_Free(nodes);
        PyMem_Free(values);
        return PyErr_NoMemory();
    }
    trie->nodes = nodes;
    trie->n_nodes = n_nodes;
    Py_ssize_t used = 1;
    fill(trie, words, values, 0, n, 0, 0, &used);
    PyMem_Free(values);
    PyObject *capsule = PyCapsule_New(trie, TRIE_CAPSULE, free_trie);
    if (capsule == NULL) {
        PyMem_Free(nodes);
        PyMem_Free(trie);
    }
    return capsule;
}

/* The trie as bytes, for a file that load_trie maps back (on a machine of the same byte order). */
static PyObject *trie_bytes(PyObject *self, PyObject *capsule) {
    Trie *trie = PyCapsule_GetPointer(capsule, TRIE_CAPSULE);
    if (trie == NULL) return NULL;
    TrieHead head = {{0}, sizeof(Node), (uint32_t)trie->n_nodes};
    memcpy(head.tag, TRIE_TAG, sizeof TRIE_TAG);
    Py_ssize_t size = sizeof head + trie->n_nodes * (Py_ssize_t)sizeof(Node);
    PyObject *out = PyBytes_FromStringAndSize(NULL, size);
    if (out == NULL) return NULL;
    memcpy(PyBytes_AS_STRING(out), &head, sizeof head);
    memcpy(PyBytes_AS_STRING(out) + sizeof head, trie->nodes, trie->n_nodes * sizeof(Node));
    return out;
}

/* A trie read in place from a buffer trie_bytes wrote (an mmap of its file), which it keeps. */
static PyObject *load_trie(PyObject *self, PyObject *source) {
    Trie *trie = PyMem_Calloc(1, sizeof(Trie));
    if (trie == NULL) return PyErr_NoMemory();
    if (PyObject_GetBuffer(source, &trie->view, PyBUF_SIMPLE) < 0) {
        PyMem_Free(trie);
        return NULL;
    }
    TrieHead head;
    int valid = trie->view.len >= (Py_ssize_t)sizeof head;
    if (valid) {
        memcpy(&head, trie->view.buf, sizeof head);
        valid = memcmp(head.tag, TRIE_TAG, sizeof TRIE_TAG) == 0 && head.node_size == sizeof(Node) && head.n_nodes > 0 &&
                trie->view.len == (Py_ssize_t)(sizeof head + (size_t)head.n_nodes * sizeof(Node)) &&
                ((uintptr_t)trie->view.buf + sizeof head) % _Alignof(Node) == 0;
    }
    if (!valid) {
        PyBuffer_Release(&trie->view);
        PyMem_Free(trie);
        PyErr_SetString(PyExc_ValueError, "not a trie written by this version of trie_bytes");
        return NULL;
    }
    trie->nodes = (Node *)((char *)trie->view.buf + sizeof head);
    trie->n_nodes = head.n_nodes;
    trie->mapped = 1;
    PyObject *capsule = PyCapsule_New(trie, TRIE_CAPSULE, free_trie);
    if (capsule == NULL) {
        PyBuffer_Release(&trie->view);
        PyMem_Free(trie);
    }
    return capsule;
}

/* The node that spells `word` in the trie, or -1; args are (trie, word). */
static int32_t trie_node(PyObject *const *args, Py_ssize_t nargs, const Trie **trie, const char *name) {
    if (nargs != 2 || !PyUnicode_Check(args[1])) {
        PyErr_Format(PyExc_TypeError, "%s(trie, word) takes a trie and a string", name);
        return -2;
    }
    *trie = PyCapsule_GetPointer(args[0], TRIE_CAPSULE);
    if (*trie == NULL) return -2;
    PyObject *word = args[1];
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    int32_t node = 0;
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(word); i < n && node >= 0; i++)
        node = child((*trie)->nodes, node, PyUnicode_READ(kind, data, i));
    return node >= 0 && (*trie)->nodes[node].word ? node : -1;
}

/* The value of a word of the trie, or None where the trie does not hold the word. */
static PyObject *trie_get(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    const Trie *trie;
    int32_t node = trie_node(args, nargs, &trie, "trie_get");
    if (node == -2) return NULL;
    if (node < 0) Py_RETURN_NONE;
    return PyFloat_FromDouble(trie->nodes[node].value / 100.0);
}

/* Whether the trie holds the word (trie_get without making its value). */
static PyObject *trie_has(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    const Trie *trie;
    int32_t node = trie_node(args, nargs, &trie, "trie_has");
    if (node == -2) return NULL;
    return PyBool_FromLong(node >= 0);
}

/* A letter-trigram model as one open-addressing table (trigram_table), so that summing a word's
 * trigrams builds and hashes no string: a trigram's three letters, or a context's two letters and
 * NO_LETTER, packed into one 63-bit key. */
#define NO_LETTER 0x110000 /* one past the last code point: marks a context (two letters) */
static const char TRIGRAMS_CAPSULE[] = "minutesindex.repair._readings.Trigrams";

typedef struct {
    uint64_t *keys; /* 0: an empty slot (every key has its top bit set) */
    double *values;
    uint64_t mask; /* slots - 1, slots a power of two */
    double never;
} Trigrams;

static inline uint64_t trigram_key(Py_UCS4 a, Py_UCS4 b, Py_UCS4 c) {
    return (uint64_t)a | ((uint64_t)b << 21) | ((uint64_t)c << 42) | (1ULL << 63);
}

static inline uint64_t slot_of(uint64_t key, uint64_t mask) {
    key ^= key >> 33; /* a 64-bit mix (murmur3's finaliser) */
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key & mask;
}

static const double *trigrams_find(const Trigrams *t, uint64_t key) {
    for (uint64_t slot = slot_of(key, t->mask);; slot = (slot + 1) & t->mask) {
        if (t->keys[slot] == key) return &t->values[slot];
        if (t->keys[slot] == 0) return NULL;
    }
}

static void free_trigrams(PyObject *capsule) {
    Trigrams *t = PyCapsule_GetPointer(capsule, TRIGRAMS_CAPSULE);
    if (t != NULL) {
        PyMem_Free(t->keys);
        PyMem_Free(t->values);
        PyMem_Free(t);
    }
}

/* Put each entry of `grams` (str of `letters` letters -> float) into the table. */
static int trigrams_fill(Trigrams *t, PyObject *grams, Py_ssize_t letters) {
    PyObject *gram, *value;
    Py_ssize_t position = 0;
    while (PyDict_Next(grams, &position, &gram, &value)) {
        if (!PyUnicode_Check(gram) || PyUnicode_GET_LENGTH(gram) != letters) {
            PyErr_Format(PyExc_ValueError, "every key must be a string of %zd letters", letters);
            return -1;
        }
        double log_prob = PyFloat_AsDouble(value);
        if (log_prob == -1.0 && PyErr_Occurred()) return -1;
        Py_UCS4 c = letters == 3 ? PyUnicode_READ_CHAR(gram, 2) : NO_LETTER;
        uint64_t key = trigram_key(PyUnicode_READ_CHAR(gram, 0), PyUnicode_READ_CHAR(gram, 1), c);
        uint64_t slot = slot_of(key, t->mask);
        while (t->keys[slot] != 0 && t->keys[slot] != key) slot = (slot + 1) & t->mask;
        t->keys[slot] = key;
        t->values[slot] = log_prob;
    }
    return 0;
}

static PyObject *trigram_table(PyObject *self, PyObject *args) {
    PyObject *seen, *unseen;
    double never;
    if (!PyArg_ParseTuple(args, "O!O!d:trigram_table", &PyDict_Type, &seen, &PyDict_Type, &unseen, &never))
        return NULL;
    uint64_t slots = 16;
    while (slots < 2 * (uint64_t)(PyDict_GET_SIZE(seen) + PyDict_GET_SIZE(unseen) + 1)) slots *= 2; /* half full at most */
    Trigrams *t = PyMem_Calloc(1, sizeof(Trigrams));
    if (t == NULL) return PyErr_NoMemory();
    t->keys = PyMem_Calloc(slots, sizeof(uint64_t));
    t->values = PyMem_Calloc(slots, sizeof(double));
    t->mask = slots - 1;
    t->never = never;
    PyObject *capsule = NULL;
    if (t->keys == NULL || t->values == NULL) PyErr_NoMemory();
    else if (trigrams_fill(t, seen, 3) == 0 && trigrams_fill(t, unseen, 2) == 0)
        capsule = PyCapsule_New(t, TRIGRAMS_CAPSULE, free_trigrams);
    if (capsule == NULL) {
        PyMem_Free(t->keys);
        PyMem_Free(t->values);
        PyMem_Free(t);
    }
    return capsule;
}

/* The sum of a padded word's letter-trigram log probabilities (charmodel.CharModel.log_prob):
 * each trigram's, else its context's (its first two letters), else the table's `never`. */
static PyObject *trigram_log_prob(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "trigram_log_prob(padded, table) takes a string and a trigram_table");
        return NULL;
    }
    Trigrams *t = PyCapsule_GetPointer(args[1], TRIGRAMS_CAPSULE);
    if (t == NULL) return NULL;
    PyObject *padded = args[0];
    int kind = PyUnicode_KIND(padded);
    const void *data = PyUnicode_DATA(padded);
    double total = 0.0;
    for (Py_ssize_t i = 0; i + 3 <= PyUnicode_GET_LENGTH(padded); i++) {
        Py_UCS4 a = PyUnicode_READ(kind, data, i), b = PyUnicode_READ(kind, data, i + 1);
        const double *value = trigrams_find(t, trigram_key(a, b, PyUnicode_READ(kind, data, i + 2)));
        if (value == NULL) value = trigrams_find(t, trigram_key(a, b, NO_LETTER));
        total += value == NULL ? t->never : *value;
    }
    return PyFloat_FromDouble(total);
}

/* One letter's sign in an alignment: the letter at `letter` of the word, the sign printed[start : start + width]. */
typedef struct {
    Py_ssize_t letter, start, width;
} Sign;

typedef struct {
    int word_kind, printed_kind;
    const void *word, *printed;
    Py_ssize_t word_len, printed_len;
    Sign *signs;
    Py_ssize_t n_signs;
} Alignment;

static int is_channel_letter(Py_UCS4 c) {
    return c == 0xe6 || c == 0xf8 || c == 0xe5 || c == 0xc6 || c == 0xd8 || c == 0xc5 || c == 'l';
}

/* channel.letter_signs: the word's letters of channel.LETTERS each take the shortest sign (up to
 * three signs, or none) that lets the rest align; `l` takes one sign, `l`, `I` or `|`; every other
 * letter must be printed as itself. Returns 1 with a->n_signs set, or 0. */
static int align_channel(Alignment *a, Py_ssize_t i, Py_ssize_t j, Py_ssize_t depth) {
    while (i < a->word_len && !is_channel_letter(PyUnicode_READ(a->word_kind, a->word, i))) {
        if (j >= a->printed_len ||
            PyUnicode_READ(a->printed_kind, a->printed, j) != PyUnicode_READ(a->word_kind, a->word, i))
            return 0;
        i++;
        j++;
    }
    if (i == a->word_len) {
        a->n_signs = depth;
        return j == a->printed_len;
    }
    Py_UCS4 letter = PyUnicode_READ(a->word_kind, a->word, i);
    if (letter == 'l') {
        if (j >= a->printed_len) return 0;
        Py_UCS4 sign = PyUnicode_READ(a->printed_kind, a->printed, j);
        if (sign != 'l' && sign != 'I' && sign != '|') return 0;
        a->signs[depth] = (Sign){i, j, 1};
        return align_channel(a, i + 1, j + 1, depth + 1);
    }
    Py_ssize_t widest = a->printed_len - j < 3 ? a->printed_len - j : 3;
    for (Py_ssize_t width = 0; width <= widest; width++) {
        a->signs[depth] = (Sign){i, j, width};
        if (align_channel(a, i + 1, j + width, depth + 1)) return 1;
    }
    return 0;
}

static int is_danish_lower(Py_UCS4 c) { return c == 0xe6 || c == 0xf8 || c == 0xe5; }

/* danish._letter_signs, on lower-case text: the reading's æ, ø and å each take the shortest run of
 * the token's signs (up to three, or none) that lets the rest align; the reading's other letters
 * are the token's (`l` may be printed `i` or `|`, `i` as `l`), and a space of the reading may be
 * missing from the token. Here `word` is the reading and `printed` the token. */
static int align_reading(Alignment *a, Py_ssize_t i, Py_ssize_t j, Py_ssize_t depth) {
    while (j < a->word_len && !is_danish_lower(PyUnicode_READ(a->word_kind, a->word, j))) {
        Py_UCS4 c = PyUnicode_READ(a->word_kind, a->word, j);
        Py_UCS4 t = i < a->printed_len ? PyUnicode_READ(a->printed_kind, a->printed, i) : 0;
        if (i < a->printed_len && (t == c || (c == 'l' && (t == 'i' || t == '|')) || (c == 'i' && t == 'l')))
            i++;
        else if (c != ' ')
            return 0;
        j++;
    }
    if (j == a->word_len) {
        a->n_signs = depth;
        return i == a->printed_len;
    }
    Py_ssize_t widest = a->printed_len - i < 3 ? a->printed_len - i : 3;
    for (Py_ssize_t width = 0; width <= widest; width++) {
        a->signs[depth] = (Sign){j, i, width};
        if (align_reading(a, i + width, j + 1, depth + 1)) return 1;
    }
    return 0;
}

/* The aligned signs as a tuple of (letter, sign) string pairs, or None where the two do not align. */
static PyObject *aligned(PyObject *args, const char *format, int (*align)(Alignment *, Py_ssize_t, Py_ssize_t,
                                                                                  Py_ssize_t)) {
    PyObject *word, *printed;
    if (!PyArg_ParseTuple(args, format, &word, &printed)) return NULL;
    Alignment a = {PyUnicode_KIND(word),         PyUnicode_KIND(printed),       PyUnicode_DATA(word),
                   PyUnicode_DATA(printed),      PyUnicode_GET_LENGTH(word),    PyUnicode_GET_LENGTH(printed),
                   NULL,                         0};
    a.signs = PyMem_New(Sign, a.word_len + 1);
    if (a.signs == NULL) return PyErr_NoMemory();
    PyObject *result = NULL;
    if (!align(&a, 0, 0, 0)) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    result = PyTuple_New(a.n_signs);
    for (Py_ssize_t k = 0; result != NULL && k < a.n_signs; k++) {
        Sign sign = a.signs[k];
        PyObject *letter = PyUnicode_Substring(word, sign.letter, sign.letter + 1);
        PyObject *printed_sign = PyUnicode_Substring(printed, sign.start, sign.start + sign.width);
        PyObject *pair = letter && printed_sign ? PyTuple_Pack(2, letter, printed_sign) : NULL;
        Py_XDECREF(letter);
        Py_XDECREF(printed_sign);
        if (pair == NULL) Py_CLEAR(result);
        else PyTuple_SET_ITEM(result, k, pair);
    }
done:
    PyMem_Free(a.signs);
    return result;
}

static PyObject *channel_signs(PyObject *self, PyObject *args) {
    return aligned(args, "UU:channel_signs", align_channel);
}

static PyObject *reading_signs(PyObject *self, PyObject *args) {
    return aligned(args, "UU:reading_signs", align_reading);
}

static PyMethodDef methods[] = {
    {"trigram_table", trigram_table, METH_VARARGS,
     "trigram_table(seen, unseen, never)\n--\n\n"
     "A letter-trigram model for trigram_log_prob: seen maps trigrams, unseen two-letter contexts, to\n"
     "log probabilities; never is that of an unseen trigram in an unseen context."},
    {"trigram_log_prob", (PyCFunction)(void (*)(void))trigram_log_prob, METH_FASTCALL,
     "trigram_log_prob(padded, table)\n--\n\n"
     "The sum over the padded word's trigrams of the table's seen[trigram], else unseen[its first two\n"
     "letters], else never."},
    {"channel_signs", channel_signs, METH_VARARGS,
     "channel_signs(word, printed)\n--\n\n"
     "channel.letter_signs compiled: ((letter, sign), ...) for each letter of channel.LETTERS in word, or None."},
    {"reading_signs", reading_signs, METH_VARARGS,
     "reading_signs(reading, token)\n--\n\n"
     "danish._letter_signs compiled, on lower-case text: ((letter, sign), ...) for each æ, ø, å of the\n"
     "reading, or None."},
    {"substitution_options", substitution_options, METH_VARARGS,
     "substitution_options(token, table, in_caps)\n--\n\n"
     "Per position of the token, a tuple of the options of the substitution sources that start\n"
     "there (table: first letter -> [(source, (in caps, at start, inside))])."},
    {"build_trie", build_trie, METH_VARARGS,
     "build_trie(words, values=None)\n--\n\nThe letter trie of a sorted list of distinct words, for compound_readings,\n"
     "each with its value (0 to 655.35, kept in hundredths) where values are given."},
    {"trie_bytes", trie_bytes, METH_O, "trie_bytes(trie)\n--\n\nThe trie as bytes, for load_trie."},
    {"load_trie", load_trie, METH_O,
     "load_trie(buffer)\n--\n\nThe trie trie_bytes wrote, read in place from the buffer (which it keeps)."},
    {"trie_get", (PyCFunction)(void (*)(void))trie_get, METH_FASTCALL,
     "trie_get(trie, word)\n--\n\nThe word's value, or None if the trie lacks it."},
    {"trie_has", (PyCFunction)(void (*)(void))trie_has, METH_FASTCALL,
     "trie_has(trie, word)\n--\n\nWhether the trie holds the word."},
    {"compound_readings", compound_readings, METH_VARARGS,
     "compound_readings(token, lowered, options, max_subs, trie, min_part, max_heads, linkers)\n--\n\n"
     "Every reading of the token as a word of the trie, or as a compound of up to max_heads + 1 of\n"
     "them, with at most max_subs substitutions from `options` (per position: a tuple of (width,\n"
     "cased, lower, cost)), where a part of min_part letters or more may end, directly or with one\n"
     "of the linking letters. Returns (reading, substitutions, cost, parts) tuples in the order found."},
    {"fewest_compound_readings", fewest_compound_readings, METH_VARARGS,
     "fewest_compound_readings(token, lowered, options, max_subs, trie, min_part, max_heads, linkers)\n--\n\n"
     "The readings of compound_readings that can matter: each text with its fewest substitutions, then\n"
     "its fewest parts (or two where that is one), and no changed text in more parts than the fewest\n"
     "of any changed text; grouped by text in the order first found, each group in the order found."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_readings", NULL, -1, methods};

PyMODINIT_FUNC PyInit__readings(void) { return PyModule_Create(&module); }
