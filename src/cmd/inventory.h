/*
 * inventory.h - image tarball to OS and package list, shared by scan and packages.
 *
 * Ownership: on success the caller owns *img (image_free), *os (osinfo_free) and
 * *pkgs (pkglist_free); on failure nothing is returned.
 */
#ifndef AIRLOCK_INVENTORY_H
#define AIRLOCK_INVENTORY_H

struct ctx;
struct image;
struct osinfo;
struct pkglist;

int inventory_read(struct ctx *c, const char *path, struct image **img, struct osinfo *os,
    struct pkglist *pkgs);

/* Writes text to path atomically, or to stdout when path is NULL or "-". */
int output_write(struct ctx *c, const char *path, const char *text, size_t len);

#endif
