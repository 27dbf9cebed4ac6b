/* SPDX-License-Identifier: GPL-2.0-or-later
 * The 48-byte Basic Header Segment (RFC 7143 §11.2), read once into a struct
 * so that no other file needs to know byte offsets.  Fields whose meaning
 * depends on the opcode keep the RFC's name for each use. */
#ifndef ISL_BHS_H
#define ISL_BHS_H

#include <stdbool.h>
#include <stdint.h>

#define ISL_BHS_LEN 48u

typedef struct {
    uint8_t opcode;        /* byte 0, low 6 bits */
    bool immediate;        /* byte 0, I bit (0x40) */
    uint8_t flags;         /* byte 1 */
    bool final;            /* byte 1, F/T bit (0x80) */
    bool cont;             /* byte 1, C bit (0x40): Login, Text */
    uint8_t csg, nsg;      /* byte 1: Login stages (§11.12.3) */
    uint8_t b2, b3;        /* Login: Version-max/-min (request), Version-max/-active (response);
                            * Logout Response: Response (b2) */
    uint8_t ahs_words;     /* byte 4: TotalAHSLength in 4-byte words */
    uint32_t dsl;          /* bytes 5-7: DataSegmentLength */
    uint8_t isid[6];       /* bytes 8-13: Login */
    uint16_t tsih;         /* bytes 14-15: Login */
    uint32_t itt;          /* bytes 16-19 */
    uint32_t w20;          /* bytes 20-23: TTT (Text, NOP); CID in the high half for Login/Logout */
    uint32_t w24;          /* bytes 24-27: CmdSN (requests), StatSN (responses) */
    uint32_t w28;          /* bytes 28-31: ExpStatSN (requests), ExpCmdSN (responses) */
    uint16_t status;       /* bytes 36-37: Login Response Status-Class/-Detail */
    uint16_t time2wait;    /* bytes 40-41: Logout Response */
    uint16_t time2retain;  /* bytes 42-43: Logout Response */
} isl_bhs;

static inline uint32_t isl_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t isl_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* p must hold ISL_BHS_LEN bytes. */
static inline void isl_bhs_parse(isl_bhs *b, const uint8_t *p)
{
    b->opcode = p[0] & 0x3f;
    b->immediate = p[0] & 0x40;
    b->flags = p[1];
    b->final = p[1] & 0x80;
    b->cont = p[1] & 0x40;
    b->csg = (p[1] >> 2) & 3;
    b->nsg = p[1] & 3;
    b->b2 = p[2];
    b->b3 = p[3];
    b->ahs_words = p[4];
    b->dsl = isl_be32(p + 4) & 0xffffff;
    for (int i = 0; i < 6; i++)
        b->isid[i] = p[8 + i];
    b->tsih = isl_be16(p + 14);
    b->itt = isl_be32(p + 16);
    b->w20 = isl_be32(p + 20);
    b->w24 = isl_be32(p + 24);
    b->w28 = isl_be32(p + 28);
    b->status = isl_be16(p + 36);
    b->time2wait = isl_be16(p + 40);
    b->time2retain = isl_be16(p + 42);
}

/* Bytes from the start of the BHS to the data segment (BHS + AHS; digests
 * are the caller's business). */
static inline uint32_t isl_bhs_hdr_len(const isl_bhs *b) { return ISL_BHS_LEN + 4u * b->ahs_words; }

/* The whole PDU on the wire without digests: header, data, padding. */
static inline uint32_t isl_bhs_pdu_len(const isl_bhs *b) { return isl_bhs_hdr_len(b) + ((b->dsl + 3) & ~3u); }

#endif
