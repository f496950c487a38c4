import { DAY } from "../../core/clock.ts";
import type { Role } from "../../core/roles.ts";
import { instantFromWallClock, wallClockIn } from "../../i18n/datetime.ts";
import { displayInviteCode } from "../membership/inviteCode.ts";
import type { Services } from "../services.ts";

/** The bloc of ../shared/context/article.txt: the provincial Party agencies. */
export const DEMO_BLOC = "Khối thi đua các cơ quan Đảng tỉnh";
export const DEMO_UNITS = [
  "Văn phòng Tỉnh ủy",
  "Ban Tổ chức Tỉnh ủy",
  "Ủy ban Kiểm tra Tỉnh ủy",
  "Ban Tuyên giáo Tỉnh ủy",
  "Ban Dân vận Tỉnh ủy",
  "Ban Nội chính Tỉnh ủy",
  "Đảng ủy Khối các cơ quan tỉnh",
];
/** The console speaker who is the demo bloc's lead. */
export const DEMO_LEAD = "lead";

export interface DemoInvite {
  unit: string;
  role: Role;
  code: string;
}

/**
 * Seeds the demo bloc through the same services an operator uses, and makes the
 * console speaker "lead" its lead by redeeming a LEAD code. Answers the unit codes,
 * which exist in plain text only now.
 */
export async function seedDemoBloc(
  services: Services,
  timezone: string,
  now: Date = new Date(),
): Promise<DemoInvite[]> {
  const bloc = await services.blocs.createBloc(DEMO_BLOC, timezone, "operator");
  const units = [];
  for (const name of DEMO_UNITS)
    units.push(await services.blocs.addUnit(bloc.id, name, "operator"));

  const leadCode = await services.membership.issueInvite({
    blocId: bloc.id,
    unitId: units[0]?.id ?? null,
    role: "LEAD",
    issuer: "operator",
  });
  await services.membership.join(
    { platform: "console", platformChatId: DEMO_LEAD, kind: "PRIVATE" },
    { platformUserId: DEMO_LEAD, displayName: "Thường trực khối (demo)" },
    leadCode.code,
    "vi",
  );

  await seedDemoCampaign(services, bloc.id, timezone, now);

  const invites: DemoInvite[] = [];
  for (const unit of units) {
    const issued = await services.membership.issueInvite({
      blocId: bloc.id,
      unitId: unit.id,
      role: "FOCAL",
      issuer: "operator",
    });
    invites.push({ unit: unit.name, role: "FOCAL", code: displayInviteCode(issued.code) });
  }
  return invites;
}

/** The movement the article names, open for reports, with three monthly deadlines. */
async function seedDemoCampaign(services: Services, blocId: number, timezone: string, now: Date) {
  const at = (daysFromNow: number, hour: number, minute: number) => {
    const day = wallClockIn(new Date(now.getTime() + daysFromNow * DAY), timezone);
    return instantFromWallClock({ ...day, hour, minute }, timezone);
  };
  const campaign = await services.campaigns.create(
    blocId,
    {
      title: "Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn",
      description:
        "Phong trào trong đợt thi đua thứ ba: mỗi đơn vị tổng vệ sinh, chăm sóc cây xanh và gửi ảnh minh chứng.",
      startsAt: at(0, 0, 0),
      endsAt: at(180, 23, 59),
      criteria: [
        "Trụ sở, phòng làm việc sạch sẽ, gọn gàng",
        "Có cây xanh, khuôn viên được chăm sóc",
        "Bảo đảm an toàn phòng cháy, chữa cháy",
      ],
      deadlines: [at(7, 17, 0), at(37, 17, 0), at(67, 17, 0)],
      hashtag: "#xanhsachdep",
    },
    "operator",
  );
  await services.campaigns.activate(blocId, campaign.id, "operator");
}
