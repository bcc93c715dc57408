-- wrk script: each request files a different online application (varied names, valid
-- resident identity numbers with their check digit, phones, wording), as applicants would.
-- Set TOKEN (an applicant's bearer token) and AGENCY in the environment; CHANNEL=in_person
-- with RECEIVED_ON files clerk registrations instead (TOKEN then a clerk's), which issue the
-- 受理回执 at once.
local token = os.getenv("TOKEN")
local agency = os.getenv("AGENCY") or "ZJ-HZ-SC"
local channel = os.getenv("CHANNEL") or "online"
local received = os.getenv("RECEIVED_ON")
-- EMAIL=1: each applicant gives an e-mail address (the notification bench).
local email = os.getenv("EMAIL")
local surnames = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马", "禤", "爨"}
local given = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"}
local topics = {"旧城改造项目的征收补偿方案及其批准文件", "本区2025年财政预算执行情况", "某小区加装电梯的审批材料",
  "道路拓宽工程的环境影响评价报告", "本镇农村宅基地审批的办理结果", "学校新建项目的立项批复", "河道整治工程的招标文件",
  "养老服务补贴的发放名单", "某企业排污许可证的审批材料", "公交线路调整的听证会记录"}
-- Addresses as varied as a city's: a shared address links applications into one cluster for
-- screening (docs/screening.md), which a real crowd of applicants rarely forms.
local districts = {"上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"}
local roads = {"解放路", "延安路", "中山路", "凤起路", "庆春路", "文三路", "天目山路", "江南大道", "市心路", "文一西路", "莫干山路", "秋涛路"}
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = {"1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"}
local counter = 0

local function id_number()
  local y = math.random(1950, 2004)
  local base = string.format("330102%04d%02d%02d%03d", y, math.random(1, 12), math.random(1, 28), math.random(0, 999))
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(base:sub(i, i)) * weights[i] end
  return base .. checks[(sum % 11) + 1]
end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(os.time() + (seed or 0))
end

request = function()
  counter = counter + 1
  local name = surnames[math.random(#surnames)] .. given[math.random(#given)]
  local body = '{"agency":"' .. agency .. '","channel":"' .. channel .. '",'
  if received then body = body .. '"received_on":"' .. received .. '",' end
  body = body .. '"applicant":{"kind":"person","name":"' .. name .. '","id_type":"resident_id","id_number":"' .. id_number()
    .. '","phone":"1' .. math.random(3, 9) .. string.format("%09d", math.random(0, 999999999))
    .. '","address":"杭州市' .. districts[math.random(#districts)] .. roads[math.random(#roads)] .. math.random(1, 999)
    .. '号' .. math.random(1, 30) .. '幢' .. math.random(101, 2608) .. '室"'
  if email then body = body .. ',"email":"a' .. counter .. '.' .. math.random(1, 999999) .. '@example.com"' end
  body = body .. '},'
    .. '"content":"请公开' .. topics[math.random(#topics)] .. '（第' .. counter .. '项）","forms":["electronic"],"delivery":"online"}'
  return wrk.format("POST", "/api/v1/cases", {["authorization"] = "Bearer " .. token, ["content-type"] = "application/json"}, body)
end
