import type { CityData } from '../../core/city/loadCityData.js';
import { submitComplaint } from '../../core/cases/complaintService.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';

/**
 * Files a complaint through the core, as the chat does once confirmed: at a place in the city with
 * coordinates, named (not anonymous), with the photos given (none by default).
 */
export function fileComplaint(
  prisma: PrismaClient,
  city: CityData,
  complaint: {
    citizenId: string;
    categoryCode: string;
    description: string;
    place: string;
    now: Date;
    /** SHA-256 hashes of stored photos. */
    photos?: string[];
    /** Exact coordinates (a phone's), instead of the city-centre ones. */
    at?: { latitude: number; longitude: number };
  },
) {
  return prisma.$transaction((tx) =>
    submitComplaint(
      tx,
      city,
      {
        citizenId: complaint.citizenId,
        categoryCode: complaint.categoryCode,
        description: complaint.description,
        locationText: complaint.place,
        latitude: complaint.at?.latitude ?? 3.6,
        longitude: complaint.at?.longitude ?? 98.67,
        anonymous: false,
        photos: complaint.photos ?? [],
      },
      complaint.now,
    ),
  );
}
