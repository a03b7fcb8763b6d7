/*
 * fuzz_image.c - the image reader (image_open): the input is written to a
 * temporary file, opened as a `docker save` archive keeping the files a scan
 * needs, and every result is walked; then image_os() runs on it.
 *
 * Checked, as image.h promises: files are sorted by path, paths are relative,
 * every file's layer is one of the image's layers, image_file() finds each
 * file, image_dir() gives a range of files inside the directory.
 */
#include "config.h"

#include "base/ctx.h"
#include "image/image.h"
#include "tests/fuzz/fuzz.h"

/* What a scan keeps (image_os_paths and the dpkg reader's paths). */
static const char *const want[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/debian_version",
	"var/lib/dpkg/status",
	"var/lib/dpkg/status.d/",
	NULL,
};

static void
check(const struct image *img)
{
	const char *dir = "var/lib/dpkg/status.d/";
	size_t i, first = 0, n;
	struct osinfo os;
	struct ctx c;

	fuzz_touch_str(img->archive_sha256);
	fuzz_touch_str(img->config_digest);
	for (i = 0; img->tags != NULL && img->tags[i] != NULL; i++)
		fuzz_touch_str(img->tags[i]);
	for (i = 0; i < img->nlayers; i++) {
		fuzz_touch_str(img->layers[i].digest);
		fuzz_touch_str(img->layers[i].created_by);
	}
	for (i = 0; i < img->nfiles; i++) {
		const struct image_file *f = &img->files[i];

		FUZZ_ASSERT(f->path != NULL && f->path[0] != '/' && f->path[0] != '\0');
		FUZZ_ASSERT(i == 0 || strcmp(img->files[i - 1].path, f->path) < 0);
		FUZZ_ASSERT(f->layer >= 0 && (size_t)f->layer < img->nlayers);
		FUZZ_ASSERT(f->len == 0 || f->data != NULL);
		fuzz_touch_str(f->path);
		fuzz_touch(f->data, f->len);
		FUZZ_ASSERT(image_file(img, f->path) == f);
	}
	n = image_dir(img, dir, &first);
	FUZZ_ASSERT(n <= img->nfiles && (n == 0 || first <= img->nfiles - n));
	for (i = first; i < first + n; i++) {
		FUZZ_ASSERT(strncmp(img->files[i].path, dir, strlen(dir)) == 0);
		FUZZ_ASSERT(strchr(img->files[i].path + strlen(dir), '/') == NULL);
	}

	ctx_init(&c);
	memset(&os, 0, sizeof(os));
	if (image_os(&c, img, &os) == 0) {
		fuzz_touch_str(os.id);
		fuzz_touch_str(os.version_id);
		fuzz_touch_str(os.codename);
		fuzz_touch_str(os.pretty_name);
	}
	osinfo_free(&os);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image *img = NULL;
	char path[4200];
	struct ctx c;
	int r;

	fuzz_write_tmp(data, size, path, sizeof(path));
	ctx_init(&c);
	r = image_open(&c, path, want, &img);
	unlink(path);
	if (r == 0) {
		FUZZ_ASSERT(img != NULL);
		check(img);
	} else {
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0' && img == NULL);
	}
	image_free(img);
	return 0;
}
