import { generateSyntheticClinic, seededIdentifiers } from '../lambdas/local/seed/synthetic-clinic';

const TODAY = new Date('2025-03-10T00:00:00Z');

function codesOf(clinic: ReturnType<typeof generateSyntheticClinic>): string[] {
  return clinic.observations.flatMap((observation) => [
    ...(observation.code.coding ?? []).map((coding) => coding.code ?? ''),
    ...(observation.component ?? []).flatMap((component) =>
      (component.code.coding ?? []).map((c) => c.code ?? ''),
    ),
  ]);
}

describe('the synthetic clinic', () => {
  it('is the same for the same seed and day, and keeps patient ids across days', () => {
    const first = generateSyntheticClinic({ today: TODAY });
    const again = generateSyntheticClinic({ today: TODAY });
    const nextWeek = generateSyntheticClinic({ today: new Date('2025-03-17T00:00:00Z') });

    expect(again).toEqual(first);
    expect(nextWeek.patients.map((patient) => patient.id)).toEqual(
      first.patients.map((patient) => patient.id),
    );
    expect(nextWeek.practitioners.map((p) => p.id)).toEqual(first.practitioners.map((p) => p.id));
  });

  it('gives every patient a name, address, phone, MRN, birth date and a care team', () => {
    const clinic = generateSyntheticClinic({ today: TODAY });

    expect(clinic.patients).toHaveLength(10);
    for (const patient of clinic.patients) {
      expect(patient.name?.[0]?.family).toBeTruthy();
      expect(patient.address?.[0]?.line?.[0]).toBeTruthy();
      expect(patient.telecom?.some((telecom) => telecom.system === 'phone')).toBe(true);
      expect(patient.identifier?.[0]?.value).toMatch(/^MRN\d{7}$/);
      expect(patient.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(
        clinic.careTeams.filter((team) => team.subject?.reference === `Patient/${patient.id}`),
      ).toHaveLength(1);
    }
    expect(seededIdentifiers(clinic).length).toBeGreaterThan(50);
  });

  it('has six months of vitals and labs with the expected LOINC codes and reference ranges', () => {
    const clinic = generateSyntheticClinic({ today: TODAY });
    const codes = codesOf(clinic);

    for (const code of ['85354-9', '8480-6', '8462-4', '8867-4', '29463-7', '4548-4', '13457-7']) {
      expect(codes).toContain(code);
    }
    const dates = clinic.observations.map((observation) => Date.parse(observation.effectiveDateTime ?? ''));
    const sixMonthsAgo = TODAY.getTime() - 183 * 86_400_000;
    expect(Math.min(...dates)).toBeGreaterThanOrEqual(sixMonthsAgo);
    expect(Math.max(...dates)).toBeLessThanOrEqual(TODAY.getTime() + 86_400_000);
    const bloodPressure = clinic.observations.find((o) => o.code.coding?.[0]?.code === '85354-9');
    expect(bloodPressure?.component?.[0]?.referenceRange?.[0]?.high?.value).toBe(120);
  });

  it('has free and busy slots over the next two weeks and a few booked appointments on busy slots', () => {
    const clinic = generateSyntheticClinic({ today: TODAY });
    const twoWeeks = TODAY.getTime() + 15 * 86_400_000;

    expect(clinic.slots.some((slot) => slot.status === 'free')).toBe(true);
    expect(clinic.slots.some((slot) => slot.status === 'busy')).toBe(true);
    for (const slot of clinic.slots) {
      expect(Date.parse(slot.start)).toBeGreaterThan(TODAY.getTime());
      expect(Date.parse(slot.end)).toBeLessThan(twoWeeks);
    }
    expect(clinic.appointments.length).toBeGreaterThan(0);
    for (const appointment of clinic.appointments) {
      const slotId = appointment.slot?.[0]?.reference?.replace('Slot/', '');
      expect(clinic.slots.find((slot) => slot.id === slotId)?.status).toBe('busy');
    }
    expect(clinic.medicationRequests.every((request) => request.status === 'active')).toBe(true);
  });
});
