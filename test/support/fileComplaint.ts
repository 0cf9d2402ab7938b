import type { CityData } from '../../core/city/loadCityData.js';
import { submitComplaint } from '../../core/cases/complaintService.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';

/**
 * Files a complaint through the core, as the chat does once confirmed: at a place in the city with
 * coordinates, named (not anonymous), without photos.
 */
export function fileComplaint(
  prisma: PrismaClient,
  city: CityData,
  complaint: { citizenId: string; categoryCode: string; description: string; place: string; now: Date },
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
        latitude: 3.6,
        longitude: 98.67,
        anonymous: false,
        photos: [],
      },
      complaint.now,
    ),
  );
}
